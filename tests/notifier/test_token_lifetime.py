"""An open connection lives as long as its token: it is closed as `token_expired` at
the token's expiry (WebSocket close 4401; SSE `connection.closing`), unless a WebSocket
refreshed it with `auth.refresh`, which must carry a valid token of the same user."""

import asyncio
import time
from uuid import UUID, uuid4

import pytest
from nats.js import JetStreamContext
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contracts.live import AuthRefresh, AuthRefreshed, CloseReason, ConnectionClosing
from services.common.auth import mint_token
from tests.support.notifier import (
    RECV_SECONDS,
    RunningNotifier,
    live_client,
    publish_status,
    receive_until,
    recv_message,
    recv_status,
    recv_until,
    status_event,
)

TTL_SECONDS = 2


async def read_until_closed(ws: ClientConnection) -> None:
    while True:
        await asyncio.wait_for(ws.recv(), RECV_SECONDS)


async def closed_with(ws: ClientConnection) -> tuple[int, str]:
    """The close code and reason, once the notifier closed the connection."""
    with pytest.raises(ConnectionClosed) as closed:
        await read_until_closed(ws)
    frame = closed.value.rcvd
    assert frame is not None
    return frame.code, frame.reason.partition(":")[0]


async def open_with(notifier: RunningNotifier, token: str) -> ClientConnection:
    ws = await connect(f"{notifier.ws_url}?access_token={token}")
    await recv_until(ws, "snapshot.end")
    return ws


async def test_websocket_closes_when_its_token_expires(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID
) -> None:
    token = mint_token(jwt_secret, user_id, ttl_seconds=TTL_SECONDS)
    opened = time.monotonic()
    ws = await open_with(notifier, token)
    assert await closed_with(ws) == (4401, CloseReason.TOKEN_EXPIRED)
    assert TTL_SECONDS - 1.1 <= time.monotonic() - opened <= TTL_SECONDS + 2
    labels = {"transport": "ws", "reason": "token_expired"}
    assert notifier.metric("echo_notifier_closed_total", **labels) == 1


async def test_event_stream_ends_when_its_token_expires(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID
) -> None:
    token = mint_token(jwt_secret, user_id, ttl_seconds=TTL_SECONDS)
    async with live_client(notifier, "sse", token) as receive:
        await receive_until(receive, "snapshot.end")
        last = await receive()
    assert isinstance(last, ConnectionClosing)
    assert last.reason is CloseReason.TOKEN_EXPIRED


async def test_refresh_keeps_the_websocket_open_past_the_first_token(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    jwt_secret: str,
    user_id: UUID,
    token: str,
) -> None:
    short = mint_token(jwt_secret, user_id, ttl_seconds=TTL_SECONDS)
    ws = await open_with(notifier, short)
    async with ws:
        await ws.send(AuthRefresh(access_token=token).model_dump_json())
        refreshed = await recv_message(ws)
        assert isinstance(refreshed, AuthRefreshed)
        assert refreshed.expires_at.timestamp() > time.time() + 3600
        await asyncio.sleep(TTL_SECONDS + 0.5)
        job = uuid4()
        await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
        assert (await recv_status(ws)).job_id == job


@pytest.mark.parametrize(
    ("whose", "code", "reason"),
    [
        ("another user's", 4403, CloseReason.WRONG_USER),
        ("forged", 4401, CloseReason.INVALID_TOKEN),
        ("expired", 4401, CloseReason.TOKEN_EXPIRED),
    ],
)
async def test_refresh_with_a_bad_token_closes(
    notifier: RunningNotifier,
    jwt_secret: str,
    token: str,
    other_user_id: UUID,
    user_id: UUID,
    whose: str,
    code: int,
    reason: CloseReason,
) -> None:
    bad = {
        "another user's": mint_token(jwt_secret, other_user_id),
        "forged": mint_token("another-secret-" + "y" * 32, user_id),
        "expired": mint_token(jwt_secret, user_id, ttl_seconds=-60),
    }[whose]
    ws = await open_with(notifier, token)
    await ws.send(AuthRefresh(access_token=bad).model_dump_json())
    assert await closed_with(ws) == (code, reason)


async def test_anything_but_a_refresh_closes_as_invalid_message(
    notifier: RunningNotifier, token: str
) -> None:
    ws = await open_with(notifier, token)
    await ws.send('{"type": "subscribe"}')
    assert await closed_with(ws) == (1008, CloseReason.INVALID_MESSAGE)
