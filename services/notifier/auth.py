"""Who is connecting, and until when: the Supabase access token from the header, the
query string or (WebSocket) a subprotocol.

Browsers cannot set headers on a WebSocket or an `EventSource`, so the token may
also come as the `access_token` query parameter (or, on a WebSocket, a subprotocol:
see `ws`); the header wins when both are set. A connection lives only as long as its
token: it is closed as `token_expired` once the verifier would refuse the token
(`exp` plus the configured clock-skew leeway), unless a WebSocket refreshed it.
"""

import time
from dataclasses import dataclass
from uuid import UUID

import jwt

from contracts.problems import ProblemCode
from services.common.auth import AuthError, TokenVerifier, bearer_token

ACCESS_TOKEN_PARAM = "access_token"  # noqa: S105 - a parameter name, not a secret


@dataclass(frozen=True)
class Grant:
    """An authenticated user and when their token stops being accepted (epoch seconds)."""

    user_id: UUID
    expires_at: float

    @property
    def seconds_left(self) -> float:
        return self.expires_at - time.time()


def authenticate(
    verifier: TokenVerifier, authorization: str | None, access_token: str | None, leeway: float
) -> Grant:
    """The grant a token proves, or `AuthError` whose code is a `ProblemCode`
    (`not_authenticated`, `invalid_token`, `token_expired`)."""
    token = bearer_token(authorization) or access_token or None
    if token is None:
        raise AuthError(
            ProblemCode.NOT_AUTHENTICATED,
            "Send the access token as `Authorization: Bearer <token>` "
            f"or as the `{ACCESS_TOKEN_PARAM}` query parameter.",
        )
    principal = verifier.verify(token)
    # Verified just above (signature, `exp` required): reading `exp` again is safe.
    claims = jwt.decode(token, options={"verify_signature": False})
    return Grant(principal.user_id, float(claims["exp"]) + leeway)


def problem_code(error: AuthError) -> ProblemCode:
    """The problem code of a refused token (the verifier's codes are problem codes)."""
    return ProblemCode(error.code)
