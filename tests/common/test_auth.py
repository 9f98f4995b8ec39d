"""Token verification: HS256 (legacy secret) and asymmetric keys from a real JWKS endpoint."""

import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from services.common.auth import AuthError, TokenVerifier, bearer_token, mint_token
from services.common.settings import AuthSettings

SECRET = "s" * 40


def _verifier(**settings: Any) -> TokenVerifier:
    return TokenVerifier(AuthSettings.model_validate(settings))


def test_a_supabase_shaped_hs256_token_is_accepted() -> None:
    user = uuid.uuid4()
    principal = _verifier(jwt_secret=SECRET).verify(mint_token(SECRET, user, email="a@b.c"))
    assert principal.user_id == user
    assert principal.email == "a@b.c"


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"aud": "anon"}, "invalid_token"),
        ({"exp": int(time.time()) - 3600}, "token_expired"),
        ({"sub": "not-a-uuid"}, "invalid_token"),
        ({"sub": None}, "invalid_token"),
        ({"role": "anon"}, "invalid_token"),  # Supabase's anon key is a JWT too
        ({"role": "service_role"}, "invalid_token"),
        ({"role": None}, "invalid_token"),
    ],
)
def test_tokens_with_bad_claims_are_refused(claims: dict[str, Any], code: str) -> None:
    payload = {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "exp": int(time.time()) + 60,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    with pytest.raises(AuthError) as error:
        _verifier(jwt_secret=SECRET).verify(token)
    assert error.value.code == code


def test_a_token_signed_with_another_secret_or_none_is_refused() -> None:
    with pytest.raises(AuthError):
        _verifier(jwt_secret=SECRET).verify(mint_token("x" * 40))
    unsigned = jwt.encode({"sub": str(uuid.uuid4()), "aud": "authenticated"}, "", "none")
    with pytest.raises(AuthError):
        _verifier(jwt_secret=SECRET).verify(unsigned)
    with pytest.raises(AuthError):
        _verifier(jwt_secret=SECRET).verify("not.a.jwt")


def test_placeholder_secrets_are_refused_outside_development() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        AuthSettings(jwt_secret="changeme")  # type: ignore[arg-type]
    assert AuthSettings(jwt_secret="changeme", environment="development")  # type: ignore[arg-type]


def test_bearer_header_parsing() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token(None) is None


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, ec.EllipticCurvePrivateKey]]:
    """A real HTTP server on loopback serving one ES256 public key, as Supabase does."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "alg": "ES256", "use": "sig"}]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/auth/v1/.well-known/jwks.json", key
    server.shutdown()
    server.server_close()


def test_asymmetric_tokens_verify_against_the_jwks_endpoint(
    jwks_server: tuple[str, ec.EllipticCurvePrivateKey],
) -> None:
    url, key = jwks_server
    issuer = "https://project.supabase.co/auth/v1"
    verifier = _verifier(jwt_jwks_url=url, jwt_issuer=issuer)
    user = uuid.uuid4()
    claims = {
        "sub": str(user),
        "aud": "authenticated",
        "role": "authenticated",
        "exp": int(time.time()) + 60,
    }
    good = jwt.encode({**claims, "iss": issuer}, key, algorithm="ES256", headers={"kid": "k1"})
    assert verifier.verify(good).user_id == user

    wrong_issuer = jwt.encode(
        {**claims, "iss": "https://evil.example/auth/v1"}, key, "ES256", headers={"kid": "k1"}
    )
    with pytest.raises(AuthError):
        verifier.verify(wrong_issuer)
    # Without a configured secret, an HS256 token cannot be accepted at all.
    with pytest.raises(AuthError):
        verifier.verify(mint_token(SECRET, user, issuer=issuer))
