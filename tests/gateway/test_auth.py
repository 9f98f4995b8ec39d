"""Every way a request can fail authentication gets a 401 problem with a `code`."""

import time
import uuid

import jwt
import pytest

from services.common.auth import mint_token
from tests.support.gateway import Gateway

OTHER_SECRET = "another-secret-" + "y" * 32


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    return {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "iat": now,
        "exp": now + 600,
        **overrides,
    }


def _bad_tokens(jwt_secret: str) -> dict[str, tuple[str, str]]:
    """Authorization header → expected problem code."""
    return {
        "missing": ("", "not_authenticated"),
        "not bearer": ("Basic dXNlcjpwYXNz", "not_authenticated"),
        "malformed": ("Bearer not-a-jwt", "invalid_token"),
        "expired": (
            "Bearer " + mint_token(jwt_secret, uuid.uuid4(), ttl_seconds=-3600),
            "token_expired",
        ),
        "wrong audience": (
            "Bearer " + mint_token(jwt_secret, uuid.uuid4(), audience="anon"),
            "invalid_token",
        ),
        "wrong secret": ("Bearer " + mint_token(OTHER_SECRET, uuid.uuid4()), "invalid_token"),
        "subject not a user id": (
            "Bearer " + jwt.encode(_claims(sub="service"), jwt_secret, algorithm="HS256"),
            "invalid_token",
        ),
        "no expiry": (
            "Bearer "
            + jwt.encode(
                {k: v for k, v in _claims().items() if k != "exp"}, jwt_secret, algorithm="HS256"
            ),
            "invalid_token",
        ),
        "algorithm none": (
            "Bearer " + jwt.encode(_claims(), "", algorithm="none"),
            "invalid_token",
        ),
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/videos"),
        ("POST", "/api/videos"),
        ("GET", f"/api/videos/{uuid.uuid4()}"),
        ("PATCH", f"/api/videos/{uuid.uuid4()}"),
        ("DELETE", f"/api/videos/{uuid.uuid4()}"),
        ("GET", f"/api/videos/{uuid.uuid4()}/renditions/mp4-720p"),
        ("GET", f"/api/videos/{uuid.uuid4()}/poster"),
        ("GET", "/api/video-processing-jobs"),
        ("GET", f"/api/video-processing-jobs/{uuid.uuid4()}"),
    ],
)
async def test_every_api_route_requires_a_valid_token(
    gateway: Gateway, jwt_secret: str, method: str, path: str
) -> None:
    for case, (header, code) in _bad_tokens(jwt_secret).items():
        headers = {"Authorization": header} if header else {}
        response = await gateway.client.request(method, path, headers=headers)
        assert response.status_code == 401, (case, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == code, case
        assert problem["status"] == 401
        assert problem["title"] == "Authentication required"
        assert problem["instance"] == path
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_valid_token_is_accepted(gateway: Gateway, token: str) -> None:
    response = await gateway.client.get("/api/videos", headers=gateway.auth(token))
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}
