"""A real notifier on a free port, and builders for the status events it relays.

Shared by the notifier's tests and the CLI's watcher tests.
"""

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import uvicorn
from fastapi import FastAPI
from nats.js import JetStreamContext
from pydantic import SecretStr

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.events import JobStatusChangedEvent
from contracts.streams import STATUS
from services.common.settings import AuthSettings, BusSettings
from services.notifier.app import create_app
from services.notifier.deps import NotifierState
from services.notifier.server import server_config
from services.notifier.settings import NotifierSettings

STARTUP_SECONDS = 10.0


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


def bind_socket(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@asynccontextmanager
async def serve(config: uvicorn.Config, port: int = 0) -> AsyncIterator[int]:
    """Run a uvicorn server in this event loop until the block exits; yields its port."""
    server = uvicorn.Server(config)
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
    nats_url: str, jwt_secret: str, *, keepalive_seconds: float = 15.0, port: int = 0
) -> AsyncIterator[RunningNotifier]:
    """Serve a notifier until the block exits; `port=0` picks a free one."""
    settings = NotifierSettings(
        keepalive_seconds=keepalive_seconds,
        consumer_heartbeat_seconds=1.0,
        shutdown_grace_seconds=1,
    )
    app = create_app(
        settings,
        BusSettings(nats_url=nats_url),
        AuthSettings(jwt_secret=SecretStr(jwt_secret)),
    )
    async with serve(server_config(app, settings), port) as bound:
        yield RunningNotifier(app=app, port=bound)


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


async def wait_until_no_consumer(js: JetStreamContext, owner_id: UUID) -> None:
    """Wait until the notifier deleted every consumer of this user's statuses."""
    mine = subjects.job_status_of_owner(owner_id)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        infos = await js.consumers_info(STATUS.name)
        if not any(info.config.filter_subject == mine for info in infos):
            return
        if time.monotonic() > deadline:
            raise AssertionError("a consumer outlived its connection")
        await asyncio.sleep(0.05)


async def consumer_count(js: JetStreamContext, owner_id: UUID) -> int:
    mine = subjects.job_status_of_owner(owner_id)
    return sum(
        1 for info in await js.consumers_info(STATUS.name) if info.config.filter_subject == mine
    )


async def publish_status(js: JetStreamContext, event: JobStatusChangedEvent) -> int:
    """Store a status change in ECHO_STATUS as the gateway's outbox relay would; its sequence."""
    ack = await js.publish(
        subjects.job_status(event.owner_id, event.job_id),
        event.model_dump_json().encode(),
        stream=STATUS.name,
        headers={"Nats-Msg-Id": f"status:{event.job_id}:v{event.version}:{uuid4()}"},
    )
    return int(ack.seq)
