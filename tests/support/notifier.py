"""A real notifier on a free port; builders and publishers of the status and progress
events it relays; readers of what it sends (WebSocket messages, SSE events).

Shared by the notifier's tests and the CLI's watcher tests.
"""

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from httpx_sse import ServerSentEvent, aconnect_sse
from nats.js import JetStreamContext
from pydantic import SecretStr, TypeAdapter
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, JobPhase, ProcessingStatus
from contracts.events import JobProgressEvent, JobStatusChangedEvent, VideoDeletedEvent
from contracts.live import JobProgressUpdate, JobStatusUpdate, LiveMessage, ServerMessage
from contracts.problems import ProblemCode
from contracts.streams import PROGRESS, STATUS, VIDEOS
from services.common.bus import MSG_ID_HEADER
from services.common.settings import AuthSettings, BusSettings
from services.notifier.app import create_app
from services.notifier.deps import NotifierState
from services.notifier.server import NotifierServer
from services.notifier.settings import NotifierSettings
from tests.support.bus import eventually, stream_messages

STARTUP_SECONDS = 10.0
RECV_SECONDS = 5.0
_LIVE = TypeAdapter[ServerMessage](LiveMessage)


@dataclass
class RunningNotifier:
    """A notifier serving on 127.0.0.1 in this event loop."""

    app: FastAPI
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/jobs"

    @property
    def state(self) -> NotifierState:
        state: NotifierState = self.app.state.notifier
        return state

    def metric(self, name: str, **labels: str) -> float:
        """A sample of the notifier's metrics (0 when it was never recorded)."""
        return self.state.metrics.registry.get_sample_value(name, labels) or 0.0


def bind_socket(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@asynccontextmanager
async def serve(server: uvicorn.Server, port: int = 0) -> AsyncIterator[int]:
    """Run a uvicorn server in this event loop until the block exits; yields its port."""
    sock = bind_socket(port)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if serving.done() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            await asyncio.sleep(0.01)
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        await serving
        sock.close()


@asynccontextmanager
async def run_notifier(
    nats_url: str, jwt_secret: str, *, port: int = 0, ready: bool = True, **tuning: Any
) -> AsyncIterator[RunningNotifier]:
    """Serve a notifier until the block exits (`ready`: once its hub subscribed);
    `port=0` picks a free one; `tuning` overrides `NotifierSettings`. No clock-skew
    leeway, so a token ends its connection at its `exp`."""
    settings = NotifierSettings(
        **{"consumer_heartbeat_seconds": 1.0, "shutdown_grace_seconds": 1, **tuning}
    )
    app = create_app(
        settings,
        BusSettings(nats_url=nats_url),
        AuthSettings(jwt_secret=SecretStr(jwt_secret), jwt_leeway_seconds=0),
    )
    async with serve(NotifierServer(app, settings), port) as bound:
        running = RunningNotifier(app=app, port=bound)

        async def subscribed() -> bool:
            return running.state.hub.started

        if ready:
            await eventually(subscribed, within=STARTUP_SECONDS, what="the hub to subscribe")
        yield running


def status_event(
    owner_id: UUID,
    video_id: UUID,
    job_id: UUID,
    version: int,
    status: ProcessingStatus = ProcessingStatus.PROCESSING,
    *,
    progress: float | None = None,
    kind: JobKind = JobKind.TRANSCODE,
    error_message: str | None = None,
) -> JobStatusChangedEvent:
    """A status change as the gateway records it."""
    failed = status is ProcessingStatus.FAILED
    return JobStatusChangedEvent(
        owner_id=owner_id,
        video_id=video_id,
        job_id=job_id,
        kind=kind,
        status=status,
        progress=progress if progress is not None else min(100.0, version * 10.0),
        eta_seconds=None if status.is_terminal else 5.0,
        error_code=JobErrorCode.DAMAGED_MEDIA if failed else None,
        error_message=(error_message or "The file is damaged.") if failed else None,
        version=version,
        video_status=ProcessingStatus.FAILED if failed else ProcessingStatus.PROCESSING,
        occurred_at=datetime.now(UTC),
    )


def progress_event(
    owner_id: UUID,
    video_id: UUID,
    job_id: UUID,
    progress: float,
    *,
    kind: JobKind = JobKind.TRANSCODE,
    phase: JobPhase | None = JobPhase.TRANSCODING,
) -> JobProgressEvent:
    """A progress report as a worker sends it."""
    return JobProgressEvent(
        owner_id=owner_id,
        video_id=video_id,
        job_id=job_id,
        kind=kind,
        attempt=1,
        phase=phase,
        progress=progress,
        eta_seconds=(100.0 - progress) / 10.0,
    )


async def publish_status(js: JetStreamContext, event: JobStatusChangedEvent) -> int:
    """Store a status change in ECHO_STATUS as the gateway's outbox relay would; its sequence."""
    ack = await js.publish(
        subjects.job_status(event.owner_id, event.job_id),
        event.model_dump_json().encode(),
        stream=STATUS.name,
        headers={MSG_ID_HEADER: f"status:{event.job_id}:v{event.version}:{uuid4()}"},
    )
    return int(ack.seq)


async def publish_progress(js: JetStreamContext, event: JobProgressEvent) -> int:
    """Publish a progress report into ECHO_PROGRESS as a worker would; its sequence."""
    ack = await js.publish(
        subjects.job_progress(event.owner_id, event.job_id),
        event.model_dump_json().encode(),
        stream=PROGRESS.name,
        headers={MSG_ID_HEADER: str(event.event_id)},
    )
    return int(ack.seq)


async def status_consumer_count(js: JetStreamContext) -> int:
    """The consumers on ECHO_STATUS now (each replica's one, plus catch-up reads)."""
    return len(await js.consumers_info(STATUS.name))


async def delete_video(
    js: JetStreamContext, owner_id: UUID, video_id: UUID, job_ids: list[UUID]
) -> None:
    """Delete a video on the bus as the gateway does: purge its jobs' statuses from
    ECHO_STATUS, then publish the deletion fact."""
    for job_id in job_ids:
        await js.purge_stream(STATUS.name, subject=subjects.job_status(owner_id, job_id))
    event = VideoDeletedEvent(owner_id=owner_id, video_id=video_id, job_ids=job_ids)
    await js.publish(
        subjects.VIDEO_DELETED,
        event.model_dump_json().encode(),
        stream=VIDEOS.name,
        headers={MSG_ID_HEADER: f"video:{video_id}:deleted"},
    )


async def stored_statuses(js: JetStreamContext, owner_id: UUID, after: int) -> list[int]:
    """Sequences of the user's statuses ECHO_STATUS holds after `after`, in order."""
    mine = f"echo.status.{owner_id}."
    return [
        message.seq
        for message in await stream_messages(js, STATUS.name)
        if message.seq is not None
        and message.seq > after
        and (message.subject or "").startswith(mine)
    ]


Receive = Callable[[], Awaitable[ServerMessage]]


@asynccontextmanager
async def live_client(
    notifier: RunningNotifier,
    transport: str,
    token: str,
    *,
    since: int | None = None,
    **params: str,
) -> AsyncIterator[Receive]:
    """A real client of either transport (`websockets`, or `httpx-sse` sending
    `Last-Event-ID` as EventSource does), as a function returning its next message."""
    query = {"access_token": token, **params}
    if transport == "ws":
        if since is not None:
            query["since"] = str(since)
        async with connect(f"{notifier.ws_url}?{urlencode(query)}") as ws:
            yield lambda: recv_message(ws)
        return
    headers = {} if since is None else {"Last-Event-ID": str(since)}
    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=RECV_SECONDS) as http,
        aconnect_sse(http, "GET", "/sse/jobs", params=query, headers=headers) as source,
    ):
        assert source.response.status_code == 200
        events = source.aiter_sse()

        async def receive() -> ServerMessage:
            return sse_message(await next_sse(events))

        yield receive


async def receive_until(receive: Receive, kind: str) -> list[ServerMessage]:
    """Every message up to and including the first of type `kind`."""
    received = [await receive()]
    while received[-1].type != kind:
        received.append(await receive())
    return received


def parse_live(raw: str | bytes) -> ServerMessage:
    """Any message the notifier sends, typed by its `type`."""
    return _LIVE.validate_json(raw)


async def recv_message(ws: ClientConnection) -> ServerMessage:
    """The next WebSocket message, whatever its type."""
    return parse_live(await asyncio.wait_for(ws.recv(), RECV_SECONDS))


async def recv_live(ws: ClientConnection) -> JobStatusUpdate | JobProgressUpdate:
    """The next message about a job, skipping snapshot markers."""
    while True:
        message = await recv_message(ws)
        if isinstance(message, JobStatusUpdate | JobProgressUpdate):
            return message


async def recv_status(ws: ClientConnection) -> JobStatusUpdate:
    """The next message about a job, which must be a status update."""
    update = await recv_live(ws)
    assert isinstance(update, JobStatusUpdate), update
    return update


async def recv_until(ws: ClientConnection, kind: str) -> list[ServerMessage]:
    """Every WebSocket message up to and including the first of type `kind`."""
    return await receive_until(lambda: recv_message(ws), kind)


def sse_message(event: ServerSentEvent) -> ServerMessage:
    """The message an SSE event carries; its event name is its type."""
    message = parse_live(event.data)
    assert event.event == message.type
    return message


async def next_sse(events: AsyncIterator[ServerSentEvent]) -> ServerSentEvent:
    """The next event with data (not the stream's opening `retry` advice), within
    `RECV_SECONDS`."""

    async def first() -> ServerSentEvent:
        async for event in events:
            if event.data:
                return event
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(first(), RECV_SECONDS)


async def sse_until(events: AsyncIterator[ServerSentEvent], kind: str) -> list[ServerSentEvent]:
    """Every event up to and including the first of type `kind`."""
    received = [await next_sse(events)]
    while received[-1].event != kind:
        received.append(await next_sse(events))
    return received


async def ws_close(
    url: str, headers: dict[str, str] | None = None, subprotocols: list[str] | None = None
) -> tuple[int, ProblemCode]:
    """The close code and the reason's problem code of a connection the notifier refuses."""
    offered = [Subprotocol(name) for name in subprotocols or []] or None
    async with connect(url, additional_headers=headers, subprotocols=offered) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), RECV_SECONDS)
    frame = closed.value.rcvd
    assert frame is not None
    code, _, detail = frame.reason.partition(": ")
    assert detail, f"no detail in the close reason {frame.reason!r}"
    return frame.code, ProblemCode(code)
