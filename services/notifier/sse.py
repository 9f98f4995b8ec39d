"""The SSE response: a `text/event-stream` fed by one `StatusFeed`.

Each update is one event whose `id` is its stream sequence and whose `data` is the
`JobStatusUpdate` JSON (the default `message` event type, so `onmessage` gets it).
A comment line is sent whenever the stream was idle for the keepalive interval.
The response owns the feed and closes it however the stream ends.
"""

import logging
from collections.abc import Callable

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from services.common.logging import log_context
from services.notifier.feed import FeedClosedError, FeedItem, StatusFeed
from services.notifier.metrics import NotifierMetrics

logger = logging.getLogger(__name__)

KEEPALIVE_COMMENT = b": keepalive\n\n"


def format_event(item: FeedItem) -> bytes:
    """One SSE event; the JSON is a single line, so one `data:` field carries it."""
    return f"id: {item.sequence}\ndata: {item.update.model_dump_json()}\n\n".encode()


class StatusEventStream(Response):
    """Streams a feed until the client disconnects or the notifier stops."""

    media_type = "text/event-stream"

    def __init__(
        self,
        feed: StatusFeed,
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
        """Relay until one side ends; True when the feed ended, False when the client left."""
        feed_ended = False

        async def pump(cancel: Callable[[], None]) -> None:
            nonlocal feed_ended
            try:
                await self._pump(send)
            except FeedClosedError:
                feed_ended = True
            cancel()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(pump, tasks.cancel_scope.cancel)
            await _until_disconnect(receive)
            tasks.cancel_scope.cancel()
        return feed_ended

    async def _pump(self, send: Send) -> None:
        sent = self._metrics.updates_sent.labels("sse")
        while True:
            item = await self._feed.next(self._keepalive_seconds)
            if item is None:
                await _send_body(send, KEEPALIVE_COMMENT)
                continue
            await _send_body(send, format_event(item))
            sent.inc()


async def _send_body(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
