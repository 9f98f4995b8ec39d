"""Signed playback URLs: `/media/<token>/<path in the video's folder>`.

`<video>`, hls.js and `<img>` cannot send an `Authorization` header, so the URL itself
proves the right to read: the token is an HMAC-SHA256 over (owner, video, scope,
expiry). The scope is a path prefix inside the video's folder (`""` is the whole
folder, `transcode/hls/` one ladder, `source` one file), so relative URIs inside an
HLS playlist resolve under the same token and a player fetches the whole ladder with
one signature. A token names one video and one scope: it cannot be reused for
another video nor widened to another path, and it expires.

Keys rotate: URLs are signed with the current key and accepted with the previous one
until they expire.
"""

import base64
import binascii
import hashlib
import hmac
import time
from dataclasses import dataclass
from uuid import UUID

from contracts.problems import ProblemCode
from services.gateway.api.problems import SignatureInvalidError

_CONTEXT = b"echo-media-v1\n"


@dataclass(frozen=True)
class Grant:
    """What a valid token allows."""

    owner_id: UUID
    video_id: UUID
    scope: str
    expires_at: int

    def allows(self, path: str) -> bool:
        """True for `path` inside the scope: under a folder scope, or the scoped file itself."""
        if self.scope == "" or self.scope.endswith("/"):
            return path.startswith(self.scope)
        return path == self.scope


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MediaSigner:
    """Mints and checks playback tokens with the configured keys."""

    def __init__(self, key: bytes, previous: bytes | None = None) -> None:
        self._key = key
        self._keys = (key, previous) if previous else (key,)

    def token(self, grant: Grant) -> str:
        payload = f"{grant.owner_id.hex}.{grant.video_id.hex}.{grant.expires_at}.{grant.scope}"
        encoded = _b64(payload.encode())
        return f"{encoded}.{_b64(self._mac(self._key, encoded))}"

    def grant(self, token: str, *, now: float | None = None) -> Grant:
        """The grant a token carries; `SignatureInvalidError` when forged or expired."""
        encoded, _, mac = token.partition(".")
        try:
            given = _unb64(mac)
            if not any(hmac.compare_digest(self._mac(key, encoded), given) for key in self._keys):
                raise ValueError("bad signature")
            owner, video, expiry, scope = _unb64(encoded).decode().split(".", 3)
            grant = Grant(UUID(owner), UUID(video), scope, int(expiry))
        except (ValueError, binascii.Error, UnicodeDecodeError) as error:
            raise SignatureInvalidError("This playback URL is not valid.") from error
        if grant.expires_at <= (time.time() if now is None else now):
            raise SignatureInvalidError(
                "This playback URL has expired; fetch the video again for fresh links.",
                code=ProblemCode.URL_EXPIRED,
            )
        return grant

    @staticmethod
    def _mac(key: bytes, encoded: str) -> bytes:
        return hmac.new(key, _CONTEXT + encoded.encode(), hashlib.sha256).digest()
