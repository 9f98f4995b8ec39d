"""Who is connecting: the Supabase access token from the header or the query string.

Browsers cannot set headers on a WebSocket or an `EventSource`, so the token may
also come as the `access_token` query parameter; the header wins when both are set.
"""

from services.common.auth import AuthError, Principal, TokenVerifier, bearer_token

ACCESS_TOKEN_PARAM = "access_token"  # noqa: S105 - a parameter name, not a secret


def authenticate(
    verifier: TokenVerifier, authorization: str | None, access_token: str | None
) -> Principal:
    """The authenticated user, or `AuthError` (missing, malformed, expired, ...)."""
    token = bearer_token(authorization) or access_token or None
    if token is None:
        raise AuthError(
            "missing_token",
            "Send the access token as `Authorization: Bearer <token>` "
            f"or as the `{ACCESS_TOKEN_PARAM}` query parameter.",
        )
    return verifier.verify(token)
