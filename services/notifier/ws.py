"""Relaying one `StatusFeed` to an accepted WebSocket.

Every update is one text message holding the `JobStatusUpdate` JSON. Keepalive
pings are protocol pings sent by uvicorn (`ws_ping_interval`), not messages.
"""

import contextlib
from collections.abc import Callable

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

from services.notifier.feed import FeedClosedError, StatusFeed

CLOSE_UNAUTHORIZED = 4401
"""Close code for a missing, invalid or expired token: get a new one before reconnecting."""
CLOSE_SERVICE_RESTART = 1012
CLOSE_TRY_AGAIN_LATER = 1013
MAX_REASON_BYTES = 123  # a close frame's reason must fit in 125 bytes with the code


def close_reason(text: str) -> str:
    """`text` cut to what a close frame can carry, on a character boundary."""
    return text.encode()[:MAX_REASON_BYTES].decode(errors="ignore")


async def relay_to_websocket(
    websocket: WebSocket, feed: StatusFeed, *, idle_seconds: float, on_sent: Callable[[], None]
) -> None:
    """Send the feed's updates until the client leaves or the notifier stops."""

    async def pump(cancel: Callable[[], None]) -> None:
        try:
            while True:
                item = await feed.next(idle_seconds)
                if item is not None:
                    await websocket.send_text(item.update.model_dump_json())
                    on_sent()
        except FeedClosedError:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await websocket.close(CLOSE_SERVICE_RESTART, "notifier restarting; reconnect")
        except WebSocketDisconnect:
            pass
        cancel()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(pump, tasks.cancel_scope.cancel)
        await _until_disconnect(websocket)
        tasks.cancel_scope.cancel()


async def _until_disconnect(websocket: WebSocket) -> None:
    # Clients have nothing to say; reading is how a disconnect is noticed.
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
