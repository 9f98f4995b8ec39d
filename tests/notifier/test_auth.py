"""Refused connections: missing, invalid and expired tokens, over both transports;
and no token ever reaches a log record."""

import asyncio
import logging
from uuid import UUID, uuid4

import httpx
import pytest
from nats.js import JetStreamContext
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from services.common.auth import mint_token
from tests.notifier.harness import RunningNotifier, publish_status, status_event

CLIENT_LOGGERS = ("httpx", "httpcore", "websockets.client")


def expired_token(jwt_secret: str, user_id: UUID) -> str:
    return mint_token(jwt_secret, user_id, ttl_seconds=-3600)


def forged_token(user_id: UUID) -> str:
    return mint_token("another-secret-" + "y" * 32, user_id)


async def ws_close(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """The close code and reason the notifier answers a connection with."""
    async with connect(url, additional_headers=headers) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5.0)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.mark.parametrize(
    ("kind", "code"),
    [("missing", "missing_token"), ("forged", "invalid_token"), ("expired", "token_expired")],
)
async def test_websocket_refuses_bad_tokens(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID, kind: str, code: str
) -> None:
    tokens = {
        "missing": None,
        "forged": forged_token(user_id),
        "expired": expired_token(jwt_secret, user_id),
    }
    token = tokens[kind]
    url = notifier.ws_url if token is None else f"{notifier.ws_url}?access_token={token}"
    close_code, reason = await ws_close(url)
    assert close_code == 4401
    assert reason.startswith(f"{code}: ")


async def test_websocket_refuses_bad_header_token(notifier: RunningNotifier) -> None:
    close_code, reason = await ws_close(
        notifier.ws_url, headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert (close_code, reason.split(":")[0]) == (4401, "invalid_token")


@pytest.mark.parametrize(
    ("kind", "code"),
    [("missing", "missing_token"), ("forged", "invalid_token"), ("expired", "token_expired")],
)
async def test_sse_refuses_bad_tokens_with_problem(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID, kind: str, code: str
) -> None:
    tokens = {
        "missing": None,
        "forged": forged_token(user_id),
        "expired": expired_token(jwt_secret, user_id),
    }
    token = tokens[kind]
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get("/sse/jobs", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == 401
    assert problem["title"] == "Unauthorized"
    assert problem["instance"] == "/sse/jobs"


async def test_invalid_video_filter_is_a_problem(notifier: RunningNotifier, token: str) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get(
            "/sse/jobs", params={"video_id": "nope"}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_request"


async def test_no_token_in_logs(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    jwt_secret: str,
    user_id: UUID,
    token: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = expired_token(jwt_secret, user_id)
    await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    async with connect(f"{notifier.ws_url}?access_token={token}") as ws:
        await asyncio.wait_for(ws.recv(), 5.0)
    await ws_close(f"{notifier.ws_url}?access_token={bad}")
    async with httpx.AsyncClient(base_url=notifier.url, timeout=5.0) as http:
        async with http.stream("GET", "/sse/jobs", params={"access_token": token}) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    break
        assert (await http.get("/sse/jobs", params={"access_token": bad})).status_code == 401

    # The test's own HTTP and WebSocket clients log their URLs; only the service is judged.
    records = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    messages = [record.getMessage() for record in records]
    assert any("[redacted]" in message for message in messages), "uvicorn logged no handshake"
    for secret in (token, bad, token.split(".")[1], bad.split(".")[2]):
        assert not any(secret in message for message in messages)
