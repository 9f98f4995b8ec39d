"""Refused connections, with the one set of problem codes: a missing, invalid or expired
token, an invalid parameter and an unknown path, over both transports (a WebSocket close
reason, an HTTP problem); and no token ever reaches a log record."""

import asyncio
import logging
from uuid import UUID, uuid4

import httpx
import pytest
from nats.js import JetStreamContext
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from contracts.problems import ProblemCode
from services.common.auth import mint_token
from tests.support.notifier import (
    RunningNotifier,
    publish_status,
    recv_live,
    status_event,
    ws_close,
)

CLIENT_LOGGERS = ("httpx", "httpcore", "websockets.client")
BAD_TOKENS = [
    ("missing", ProblemCode.NOT_AUTHENTICATED),
    ("forged", ProblemCode.INVALID_TOKEN),
    ("expired", ProblemCode.TOKEN_EXPIRED),
]


def expired_token(jwt_secret: str, user_id: UUID) -> str:
    return mint_token(jwt_secret, user_id, ttl_seconds=-3600)


def forged_token(user_id: UUID) -> str:
    return mint_token("another-secret-" + "y" * 32, user_id)


def bad_token(kind: str, jwt_secret: str, user_id: UUID) -> str | None:
    tokens = {
        "missing": None,
        "forged": forged_token(user_id),
        "expired": expired_token(jwt_secret, user_id),
    }
    return tokens[kind]


@pytest.mark.parametrize(("kind", "code"), BAD_TOKENS)
async def test_websocket_refuses_bad_tokens(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID, kind: str, code: ProblemCode
) -> None:
    token = bad_token(kind, jwt_secret, user_id)
    url = notifier.ws_url if token is None else f"{notifier.ws_url}?access_token={token}"
    assert await ws_close(url) == (4401, code)


async def test_websocket_refuses_bad_header_token(notifier: RunningNotifier) -> None:
    refusal = await ws_close(notifier.ws_url, headers={"Authorization": "Bearer not-a-jwt"})
    assert refusal == (4401, ProblemCode.INVALID_TOKEN)


async def test_websocket_token_as_subprotocol(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    jwt_secret: str,
    user_id: UUID,
    token: str,
) -> None:
    job = uuid4()
    await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
    offered = [Subprotocol("echo.live"), Subprotocol(f"bearer.{token}")]
    async with connect(notifier.ws_url, subprotocols=offered) as ws:
        assert ws.subprotocol == "echo.live"
        assert (await recv_live(ws)).job_id == job

    expired = ["echo.live", f"bearer.{expired_token(jwt_secret, user_id)}"]
    refusal = await ws_close(notifier.ws_url, subprotocols=expired)
    assert refusal == (4401, ProblemCode.TOKEN_EXPIRED)


@pytest.mark.parametrize(("kind", "code"), BAD_TOKENS)
async def test_sse_refuses_bad_tokens_with_problem(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID, kind: str, code: ProblemCode
) -> None:
    token = bad_token(kind, jwt_secret, user_id)
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get("/sse/jobs", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert (problem["code"], problem["status"]) == (code, 401)
    assert problem["title"] == "Unauthorized"
    assert problem["instance"] == "/sse/jobs"


async def test_refusals_are_counted_by_code(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID
) -> None:
    await ws_close(f"{notifier.ws_url}?access_token={expired_token(jwt_secret, user_id)}")
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        assert (await http.get("/sse/jobs")).status_code == 401
        text = (await http.get("/metrics")).text
    assert 'echo_notifier_rejected_total{code="token_expired",transport="ws"} 1.0' in text
    assert 'echo_notifier_rejected_total{code="not_authenticated",transport="sse"} 1.0' in text


async def test_invalid_video_filter_is_invalid_request(
    notifier: RunningNotifier, token: str
) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get(
            "/sse/jobs", params={"video_id": "nope"}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == ProblemCode.INVALID_REQUEST
    assert [error["loc"] for error in problem["errors"]] == [["query", "video_id"]]

    refusal = await ws_close(f"{notifier.ws_url}?video_id=nope&access_token={token}")
    assert refusal == (4422, ProblemCode.INVALID_REQUEST)


async def test_unknown_path_is_not_found(notifier: RunningNotifier) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == ProblemCode.NOT_FOUND
    refusal = await ws_close(notifier.ws_url.replace("/ws/jobs", "/ws/nowhere"))
    assert refusal == (4404, ProblemCode.NOT_FOUND)


async def test_no_token_in_logs(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    jwt_secret: str,
    user_id: UUID,
    token: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Earlier tests leave global logging state behind (an in-process uvicorn's default log
    # config stops `uvicorn` propagating; a library's dictConfig may disable loggers that
    # exist): caplog listens at the root, so uvicorn's loggers must be live and propagate.
    for name in ("uvicorn", "uvicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
        caplog.set_level(logging.DEBUG, logger=name)
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
