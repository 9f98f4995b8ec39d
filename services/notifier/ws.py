"""The WebSocket transport: one text message per live message, its `contracts.live` JSON.

Browsers cannot set headers on a WebSocket, and a token in the URL may end up in logs,
so a client may instead offer the subprotocols `echo.live` and `bearer.<token>`
(`new WebSocket(url, ["echo.live", "bearer." + token])`); the server selects
`echo.live`, never echoing the token.

A refused connection is accepted, then closed with a code and the reason
`<problem code>: <detail>` (browsers cannot read a refused handshake's HTTP answer,
but they can read a close frame). An open connection the notifier ends is closed the
same way with a `CloseReason` (`CLOSE_REASON_CODES`). The client may send one kind of
message, `auth.refresh`. Keepalive pings are protocol pings sent by uvicorn
(`ws_ping_interval`), whose unanswered ping closes a dead client's connection.
"""

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

import anyio
from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from contracts.live import AuthRefresh, AuthRefreshed, CloseReason
from contracts.problems import ProblemCode
from services.notifier.admission import RefusedError
from services.notifier.auth import Grant
from services.notifier.feed import LiveFeed
from services.notifier.listener import ListenerClosedError

CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_CODES: dict[ProblemCode, int] = {
    ProblemCode.NOT_AUTHENTICATED: 4401,
    ProblemCode.INVALID_TOKEN: 4401,
    ProblemCode.TOKEN_EXPIRED: 4401,
    ProblemCode.NOT_FOUND: 4404,
    ProblemCode.INVALID_REQUEST: 4422,
    ProblemCode.BUS_UNAVAILABLE: CLOSE_TRY_AGAIN_LATER,
    ProblemCode.NOT_READY: CLOSE_TRY_AGAIN_LATER,
}
"""Close code of each refusal: 4000 plus the HTTP status (4401: get a new token before
reconnecting), except the standard 1013 for "retry shortly"."""
CLOSE_REASON_CODES: dict[CloseReason, int] = {
    CloseReason.TOKEN_EXPIRED: 4401,
    CloseReason.INVALID_TOKEN: 4401,
    CloseReason.WRONG_USER: 4403,
    CloseReason.INVALID_MESSAGE: CLOSE_POLICY_VIOLATION,
    CloseReason.SLOW_CONSUMER: CLOSE_TRY_AGAIN_LATER,
    CloseReason.GOING_AWAY: CLOSE_GOING_AWAY,
    CloseReason.UNAVAILABLE: CLOSE_TRY_AGAIN_LATER,
}
"""Close code of each way an open connection ends: 44xx needs a new token first; 1013
(resume shortly) and 1001 (resume, on another replica) are worth an immediate retry."""
CLOSE_TIMEOUT_SECONDS = 5.0
MAX_REASON_BYTES = 123  # a close frame's reason must fit in 125 bytes with the code
LIVE_SUBPROTOCOL = "echo.live"
TOKEN_SUBPROTOCOL_PREFIX = "bearer."  # noqa: S105 - a prefix, not a secret

Refresh = Callable[[str], Grant]
"""Checks a refreshed token: its grant, or `RefusedError`."""


def subprotocol_token(websocket: WebSocket) -> str | None:
    """The access token offered as a `bearer.<token>` subprotocol, if any."""
    for offered in websocket.scope.get("subprotocols", []):
        if offered.startswith(TOKEN_SUBPROTOCOL_PREFIX):
            return str(offered).removeprefix(TOKEN_SUBPROTOCOL_PREFIX) or None
    return None


async def accept(websocket: WebSocket) -> None:
    """Accept, selecting `echo.live` when offered (a browser that offered subprotocols
    drops a connection that selects none, before it could read a close reason)."""
    offered = websocket.scope.get("subprotocols", [])
    await websocket.accept(LIVE_SUBPROTOCOL if LIVE_SUBPROTOCOL in offered else None)


def close_reason(code: str, detail: str) -> str:
    """`<code>: <detail>`, cut to what a close frame can carry, on a character boundary."""
    return f"{code}: {detail}".encode()[:MAX_REASON_BYTES].decode(errors="ignore")


async def refuse(websocket: WebSocket, code: ProblemCode, detail: str) -> None:
    """Accept, then close at once with the problem's close code and reason."""
    await accept(websocket)
    await websocket.close(CLOSE_CODES[code], close_reason(code, detail))


async def relay_to_websocket(
    websocket: WebSocket,
    feed: LiveFeed,
    *,
    idle_seconds: float,
    refresh: Refresh,
    on_sent: Callable[[str], None],
    on_closed: Callable[[CloseReason], None],
) -> None:
    """Send the feed's messages, and act on the client's, until either side ends."""

    async def pump(cancel: Callable[[], None]) -> None:
        with anyio.CancelScope() as sending:
            feed.on_close(sending.cancel)
            with contextlib.suppress(ListenerClosedError, WebSocketDisconnect):
                while True:
                    frame = await feed.next(idle_seconds)
                    if frame is not None:
                        await websocket.send_text(frame.json)
                        on_sent(frame.type)
        closing = feed.closing
        if closing is not None:
            on_closed(closing.reason)
            code = CLOSE_REASON_CODES[closing.reason]
            # A client that does not read may never take the close frame: give up after a
            # while, and the connection is dropped when the handler returns.
            with (
                anyio.move_on_after(CLOSE_TIMEOUT_SECONDS),
                contextlib.suppress(WebSocketDisconnect, RuntimeError),
            ):
                await websocket.close(code, close_reason(closing.reason, closing.detail))
        cancel()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(pump, tasks.cancel_scope.cancel)
        await _receive(websocket, feed, refresh)
        tasks.cancel_scope.cancel()


async def _receive(websocket: WebSocket, feed: LiveFeed, refresh: Refresh) -> None:
    """Act on `auth.refresh` messages until the client leaves (how a disconnect is seen)."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        try:
            request = AuthRefresh.model_validate_json(message.get("text") or message["bytes"])
        except (ValidationError, KeyError):
            feed.end(CloseReason.INVALID_MESSAGE, "Send only `auth.refresh` messages.")
            continue
        _refresh(feed, refresh, request.access_token)


def _refresh(feed: LiveFeed, refresh: Refresh, token: str) -> None:
    try:
        grant = refresh(token)
    except RefusedError as refused:
        expired = refused.code is ProblemCode.TOKEN_EXPIRED
        reason = CloseReason.TOKEN_EXPIRED if expired else CloseReason.INVALID_TOKEN
        feed.end(reason, refused.detail)
        return
    if grant.user_id != feed.owner_id:
        feed.end(CloseReason.WRONG_USER, "The refreshed token is another user's.")
        return
    feed.refresh(grant)
    feed.notify(AuthRefreshed(expires_at=datetime.fromtimestamp(grant.expires_at, UTC)))
