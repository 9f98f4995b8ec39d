"""The tus 1.0 protocol's headers: version, metadata, checksums, expiry.

Echo implements core, creation, creation-with-upload, termination, expiration and
checksum (sha1, sha256); not creation-defer-length or concatenation. Parsing is
strict: a header the protocol does not allow is a 400 problem, never guessed at.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi import Request

from contracts.problems import ProblemCode
from services.gateway.api.problems import InvalidRequestError, TusRequestError, TusVersionError

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum"
CHECKSUM_ALGORITHMS = ("sha1", "sha256")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
_MAX_METADATA = 8 * 1024
_MAX_VALUE = 1024

EXPOSED_HEADERS = (
    "Location",
    "Upload-Offset",
    "Upload-Length",
    "Upload-Metadata",
    "Upload-Expires",
    "Tus-Resumable",
    "Tus-Version",
    "Tus-Extension",
    "Tus-Max-Size",
    "Tus-Checksum-Algorithm",
    "Echo-Video-Location",
)
"""Response headers a browser's tus client must be allowed to read (CORS)."""

REQUEST_HEADERS = (
    "Tus-Resumable",
    "Upload-Length",
    "Upload-Offset",
    "Upload-Metadata",
    "Upload-Checksum",
    "Upload-Defer-Length",
)
"""Request headers a browser's tus client sends (CORS)."""


def require_version(request: Request) -> None:
    """412 unless the request speaks tus 1.0.0."""
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise TusVersionError(
            f"Send `Tus-Resumable: {TUS_VERSION}`.", headers={"Tus-Version": TUS_VERSION}
        )


def non_negative(request: Request, name: str) -> int | None:
    """A non-negative integer header, or None when absent; 400 when malformed."""
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 19:
        raise TusRequestError(f"`{name}` must be a non-negative integer.")
    return int(raw)


def parse_metadata(header: str | None) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs, as UTF-8 text.

    Values Postgres cannot store (a NUL character) are refused with a 422 problem.
    """
    if not header:
        return {}
    if len(header) > _MAX_METADATA:
        raise TusRequestError(f"`Upload-Metadata` is longer than {_MAX_METADATA} bytes.")
    metadata: dict[str, str] = {}
    for pair in header.split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key or not key.isascii() or " " in encoded.strip() or key in metadata:
            raise TusRequestError("`Upload-Metadata` is malformed.")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise TusRequestError(
                f"`Upload-Metadata` value of {key!r} is not base64 of UTF-8 text."
            ) from error
        if "\x00" in value or "\x00" in key:
            raise InvalidRequestError(
                f"`Upload-Metadata` {key!r} contains a NUL character.",
                errors=[
                    {"loc": ["header", "Upload-Metadata", key], "msg": "NUL", "type": "value_error"}
                ],
            )
        metadata[key] = value[:_MAX_VALUE]
    return metadata


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items()
    )


@dataclass(frozen=True)
class Checksum:
    """The digest a client announced for one PATCH's body."""

    algorithm: str
    digest: bytes

    def hasher(self) -> "hashlib._Hash":
        return hashlib.new(self.algorithm)


def parse_checksum(header: str | None) -> Checksum | None:
    """`Upload-Checksum: <algorithm> <base64 digest>`; 400 for an algorithm not offered."""
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise TusRequestError(
            f"Checksum algorithm {algorithm!r} is not supported; use one of "
            f"{', '.join(CHECKSUM_ALGORITHMS)}.",
            code=ProblemCode.UNSUPPORTED_CHECKSUM,
        )
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as error:
        raise TusRequestError("`Upload-Checksum` digest is not base64.") from error
    return Checksum(algorithm, digest)


def discovery_headers(max_size: int) -> dict[str, str]:
    """What `OPTIONS` on the creation URL tells a client about this server."""
    return {
        "Tus-Resumable": TUS_VERSION,
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": EXTENSIONS,
        "Tus-Max-Size": str(max_size),
        "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
    }


def http_date(moment: datetime) -> str:
    """`Upload-Expires` format (RFC 9110 HTTP-date)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
