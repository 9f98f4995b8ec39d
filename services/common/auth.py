"""Verifying Supabase access tokens, and minting dev tokens for the embedded default.

A token is accepted only with the pinned algorithm(s), `aud`, `exp` and a UUID
`sub`; the user id is that `sub`. Tokens are never logged.
"""

import time
import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt

from services.common.settings import AuthSettings

HS_ALGORITHMS = ["HS256"]
ASYMMETRIC_ALGORITHMS = ["ES256", "RS256", "EdDSA"]
JWKS_CACHE_SECONDS = 300  # Supabase caches JWKS at its edge for 10 min; stay below that


AUTHENTICATED_ROLE = "authenticated"
"""The `role` claim of a signed-in Supabase user's access token."""


class AuthError(Exception):
    """The request's credentials are missing or not acceptable."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Principal:
    """The authenticated user."""

    user_id: UUID
    role: str
    email: str | None = None


class TokenVerifier:
    """Checks Supabase access tokens against the configured secret or JWKS."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._jwks = (
            jwt.PyJWKClient(
                str(settings.jwt_jwks_url), cache_keys=True, lifespan=JWKS_CACHE_SECONDS
            )
            if settings.jwt_jwks_url is not None
            else None
        )

    def verify(self, token: str) -> Principal:
        """The principal a token proves, or `AuthError`."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise AuthError("invalid_token", "The access token is malformed.") from error
        algorithm = header.get("alg")
        key: Any
        if algorithm in HS_ALGORITHMS and self._settings.jwt_secret is not None:
            key = self._settings.jwt_secret.get_secret_value()
            algorithms = HS_ALGORITHMS
        elif algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            try:
                key = self._jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWTError as error:
                raise AuthError("invalid_token", "The token's signing key is unknown.") from error
            algorithms = ASYMMETRIC_ALGORITHMS
        else:
            raise AuthError("invalid_token", "The token's signing algorithm is not accepted.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                leeway=self._settings.jwt_leeway_seconds,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise AuthError(
                "token_expired", "The access token has expired; sign in again."
            ) from error
        except jwt.PyJWTError as error:
            raise AuthError("invalid_token", f"The access token is not valid: {error}.") from error
        # Supabase's anon key and service-role key are JWTs too: only a signed-in user's passes.
        if claims.get("role") != AUTHENTICATED_ROLE:
            raise AuthError("invalid_token", "The token is not a signed-in user's access token.")
        try:
            user_id = UUID(str(claims["sub"]))
        except ValueError as error:
            raise AuthError("invalid_token", "The token's subject is not a user id.") from error
        return Principal(
            user_id=user_id, role=str(claims.get("role", "")), email=claims.get("email")
        )


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if that is what it holds."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def mint_token(
    secret: str,
    user_id: UUID | None = None,
    *,
    email: str | None = None,
    ttl_seconds: int = 24 * 3600,
    audience: str = "authenticated",
    issuer: str | None = None,
) -> str:
    """An HS256 token shaped like a Supabase access token (for development and tests)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id or uuid.uuid4()),
        "aud": audience,
        "role": AUTHENTICATED_ROLE,
        "iat": now,
        "exp": now + ttl_seconds,
        "aal": "aal1",
        "is_anonymous": False,
    }
    if email:
        claims["email"] = email
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, secret, algorithm="HS256")
