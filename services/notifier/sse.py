"""The SSE transport: a `text/event-stream` fed by one `LiveFeed`.

Each message is one event whose `event` field names its type (`job.status`,
`job.progress`, ..., so a browser listens with `addEventListener(type, ...)`), whose
`id` is its resume point (what the browser sends back as `Last-Event-ID` when it
reconnects; omitted while it is 0) and whose `data` is its `contracts.live` JSON. A
comment line is sent whenever the stream was idle for the keepalive interval. When the
notifier ends the stream it sends a last `connection.closing` event naming the reason.
The response owns the feed and closes it however the stream ends. A refused request
gets an RFC 9457 problem.
"""

import contextlib
import logging
from collections.abc import Callable

import anyio
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from contracts.live import ConnectionClosing
from contracts.problems import ProblemCode
from services.common.logging import log_context
from services.common.problems import problem_response
from services.notifier.feed import LiveFeed
from services.notifier.listener import ListenerClosedError
from services.notifier.metrics import NotifierMetrics
from services.notifier.outgoing import Frame, Outgoing

logger = logging.getLogger(__name__)

KEEPALIVE_COMMENT = b": keepalive\n\n"
CLOSE_TIMEOUT_SECONDS = 5.0
RETRY_AFTER_SECONDS = 2
HTTP_STATUS: dict[ProblemCode, int] = {
    ProblemCode.NOT_AUTHENTICATED: 401,
    ProblemCode.INVALID_TOKEN: 401,
    ProblemCode.TOKEN_EXPIRED: 401,
    ProblemCode.BUS_UNAVAILABLE: 503,
    ProblemCode.NOT_READY: 503,
}
"""HTTP status of each way `admission` refuses a connection."""


def refusal(code: ProblemCode, detail: str, instance: str) -> JSONResponse:
    """The problem answering a refused request: a 401 says how to authenticate, a 503 when
    to retry."""
    status = HTTP_STATUS[code]
    headers = (
        {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if status == 503
        else {"WWW-Authenticate": 'Bearer realm="echo"'}
    )
    return problem_response(status, code, detail, instance=instance, headers=headers)


def format_event(frame: Frame) -> bytes:
    """One SSE event; the JSON is a single line, so one `data:` field carries it."""
    position = f"id: {frame.sequence}\n" if frame.sequence else ""
    return f"event: {frame.type}\n{position}data: {frame.json}\n\n".encode()


class LiveEventStream(Response):
    """Streams a feed until the client disconnects or the notifier ends it."""

    media_type = "text/event-stream"

    def __init__(
        self,
        feed: LiveFeed,
        *,
        metrics: NotifierMetrics,
        keepalive_seconds: float,
        retry_ms: int,
    ) -> None:
        self.status_code = 200
        self.background = None
        # no-cache: proxies must not store it; X-Accel-Buffering: nginx must not buffer it.
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self._feed = feed
        self._metrics = metrics
        self._keepalive_seconds = keepalive_seconds
        self._retry_ms = retry_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            with (
                log_context(user_id=self._feed.owner_id, video_id=self._feed.video_id),
                self._metrics.connection("sse"),
            ):
                await send(
                    {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
                )
                await _send_body(send, f"retry: {self._retry_ms}\n\n".encode())
                if await self._relay(receive, send):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                logger.info("event stream closed")
        finally:
            await self._feed.close()

    async def _relay(self, receive: Receive, send: Send) -> bool:
        """Relay until one side ends; True when the notifier ended it, False when the
        client left."""
        ended = False

        async def pump(cancel: Callable[[], None]) -> None:
            nonlocal ended
            with anyio.CancelScope() as sending:
                self._feed.on_close(sending.cancel)
                with contextlib.suppress(ListenerClosedError):
                    await self._pump(send)
            closing = self._feed.closing
            if closing is not None:
                self._metrics.closed.labels("sse", closing.reason.value).inc()
                last = ConnectionClosing(reason=closing.reason, detail=closing.detail)
                frame = Outgoing(last).frame(self._feed.resume_point)
                # A client that does not read may never take it: give up after a while.
                with anyio.move_on_after(CLOSE_TIMEOUT_SECONDS):
                    await _send_body(send, format_event(frame))
                    ended = True
            cancel()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(pump, tasks.cancel_scope.cancel)
            await _until_disconnect(receive)
            tasks.cancel_scope.cancel()
        return ended

    async def _pump(self, send: Send) -> None:
        while True:
            frame = await self._feed.next(self._keepalive_seconds)
            if frame is None:
                await _send_body(send, KEEPALIVE_COMMENT)
                continue
            await _send_body(send, format_event(frame))
            self._metrics.messages.labels("sse", frame.type).inc()


async def _send_body(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
