"""Test helpers for the workers: uploads as the gateway's commands, the worker's
durable consumer, the app running in this process, and what a worker reported."""

import asyncio
import contextlib
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from faststream.asgi import AsgiFastStream
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo
from nats.js.errors import NotFoundError
from prometheus_client.parser import text_string_to_metric_families
from pydantic import TypeAdapter

from contracts import subjects
from contracts.enums import JobKind, JobPhase
from contracts.events import (
    JobCancelCommand,
    JobCancelReason,
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobRequestedCommand,
    JobStateChange,
    WorkerStateEvent,
)
from contracts.streams import JOBS, WORKERS
from services.common.blobs import LocalBlobStore, source_key
from services.common.bus import MSG_ID_HEADER, ConsumerTuning, command_msg_id, declare_consumer
from services.common.media import MediaLimits
from services.common.worker import JobContext
from tests.support.bus import eventually, stream_messages

_STATE_EVENT = TypeAdapter[JobStateChange](WorkerStateEvent)
_STATE_SUBJECTS = {
    subjects.job_event(kind, name) for kind in JobKind for name in subjects.JobStateEvent
}


def stage_upload(
    store: LocalBlobStore, path: Path, kind: JobKind = JobKind.TRANSCODE
) -> JobRequestedCommand:
    """Put `path` in the blob store as a new upload; the command the gateway sends for it."""
    owner_id, video_id = uuid.uuid4(), uuid.uuid4()
    key = source_key(owner_id, video_id)
    target = store.path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return JobRequestedCommand(
        video_id=video_id,
        owner_id=owner_id,
        job_id=uuid.uuid4(),
        kind=kind,
        attempt=1,
        source=store.ref(key),
        original_filename=path.name,
    )


@dataclass
class Reports:
    """Progress reported by a job, in order: `(percent, eta)` pairs and the phases named."""

    items: list[tuple[float, float | None]] = field(default_factory=list)
    phases: list[JobPhase] = field(default_factory=list)

    def __call__(self, percent: float, eta_seconds: float | None, phase: JobPhase | None) -> None:
        self.items.append((percent, eta_seconds))
        if phase is not None:
            self.phases.append(phase)


def job_context(
    store: LocalBlobStore,
    command: JobRequestedCommand,
    *,
    reports: Reports | None = None,
    cancelled: threading.Event | None = None,
    limits: MediaLimits | None = None,
    deferred: bool = False,
) -> JobContext:
    """What the worker kit hands a work function, built directly; outputs are put in
    place as they are written unless `deferred` (then only on `outputs.commit()`)."""
    return JobContext(
        command=command,
        store=store,
        limits=limits or MediaLimits(),
        cancelled=cancelled or threading.Event(),
        reporter=reports if reports is not None else Reports(),
        deferred_outputs=deferred,
    )


def redispatch(command: JobRequestedCommand) -> JobRequestedCommand:
    """The same command again with the next attempt, as the reconciler sends it."""
    return command.model_copy(update={"attempt": command.attempt + 1, "event_id": uuid.uuid4()})


async def publish_command(
    js: JetStreamContext, command: JobRequestedCommand, msg_id: str | None = None
) -> int:
    """Publish as the gateway does (its own message id per job and attempt); returns the
    stream sequence."""
    ack = await js.publish(
        subjects.job_requested(command.kind),
        command.model_dump_json().encode(),
        headers={MSG_ID_HEADER: msg_id or command_msg_id(command.job_id, command.attempt)},
    )
    return ack.seq


async def publish_cancel(
    js: JetStreamContext,
    command: JobRequestedCommand,
    reason: JobCancelReason = JobCancelReason.CANCELLED,
) -> int:
    """Cancel `command`'s job up to its attempt, as the gateway does (into `ECHO_JOBS`, on
    the job's own cancel subject); returns the stream sequence."""
    cancel = JobCancelCommand(
        video_id=command.video_id,
        owner_id=command.owner_id,
        job_id=command.job_id,
        kind=command.kind,
        attempt=command.attempt,
        reason=reason,
    )
    ack = await js.publish(
        subjects.job_cancel(command.kind, command.job_id),
        cancel.model_dump_json().encode(),
        headers={MSG_ID_HEADER: f"job:{command.job_id}:cancel:{command.attempt}"},
    )
    return ack.seq


def video_folder(store: LocalBlobStore, command: JobRequestedCommand) -> Path:
    """The folder of the command's video: its upload and every output of its jobs."""
    return store.path(source_key(command.owner_id, command.video_id)).parent


def job_files(store: LocalBlobStore, command: JobRequestedCommand) -> list[Path]:
    """Every file the command's job wrote (outputs and staged files alike)."""
    folder = video_folder(store, command) / command.kind.value
    return sorted(path for path in folder.rglob("*") if path.is_file())


async def state_events(js: JetStreamContext, job_id: uuid.UUID) -> list[JobStateChange]:
    """The state events stored in `ECHO_JOBS` about one job, in stream order."""
    events = [
        _STATE_EVENT.validate_json(message.data or b"")
        for message in await stream_messages(js, JOBS.name)
        if message.subject in _STATE_SUBJECTS
    ]
    return [event for event in events if event.job_id == job_id]


async def terminal_events(js: JetStreamContext, job_id: uuid.UUID) -> list[JobStateChange]:
    """The job's state events once one of them is `completed` or `failed`."""

    async def ended() -> list[JobStateChange] | None:
        events = await state_events(js, job_id)
        done = any(isinstance(e, JobCompletedEvent | JobFailedEvent) for e in events)
        return events if done else None

    return await eventually(ended, within=60, what=f"job {job_id} to end")


async def fresh_consumer(js: JetStreamContext, kind: JobKind, tuning: ConsumerTuning) -> None:
    """Recreate the durable consumer of `kind` with `tuning`: counters of this test alone."""
    spec = WORKERS[kind]
    with contextlib.suppress(NotFoundError):
        await js.delete_consumer(spec.stream, spec.durable)
    await declare_consumer(js, spec, tuning)


async def worker_consumer(js: JetStreamContext, kind: JobKind) -> ConsumerInfo:
    spec = WORKERS[kind]
    info: ConsumerInfo = await js.consumer_info(spec.stream, spec.durable)
    return info


async def settled(js: JetStreamContext, kind: JobKind, sequence: int) -> ConsumerInfo:
    """The consumer once it acknowledged every command up to stream sequence `sequence`."""

    async def caught_up() -> ConsumerInfo | None:
        info = await worker_consumer(js, kind)
        floor = info.ack_floor.stream_seq if info.ack_floor else None
        done = floor is not None and floor >= sequence and not info.num_ack_pending
        return info if done else None

    return await eventually(caught_up, within=60, what=f"command {sequence} acknowledged")


@contextlib.asynccontextmanager
async def recorded_progress(nc: NatsClient) -> AsyncIterator[list[JobProgressEvent]]:
    """Every progress event published while the block runs (the stream keeps only the
    latest per job, so ticks are watched live)."""
    received: list[JobProgressEvent] = []

    async def record(message: Msg) -> None:
        received.append(JobProgressEvent.model_validate_json(message.data))

    subscription = await nc.subscribe(subjects.PROGRESS, cb=record)
    try:
        yield received
    finally:
        await subscription.unsubscribe()


@contextlib.asynccontextmanager
async def running(app: AsgiFastStream) -> AsyncIterator[AsgiFastStream]:
    """The app started (consumer bound, subscriber pulling) and stopped on exit, the way
    uvicorn's lifespan does it, in one task of its own."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def serve() -> None:
        async with app.start_lifespan_context():
            started.set()
            await stop.wait()

    task = asyncio.create_task(serve())
    ready = asyncio.create_task(started.wait())
    await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not started.is_set():
        ready.cancel()
        await asyncio.gather(ready, return_exceptions=True)
        if task.done():
            task.result()
        task.cancel()
        raise AssertionError("the worker did not start within 30 s")
    try:
        yield app
    finally:
        stop.set()
        await task


async def http_get(app: AsgiFastStream, path: str) -> httpx.Response:
    """GET one of the app's HTTP routes (health, metrics, AsyncAPI) in process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
        return await client.get(path)


async def job_outcomes(app: AsgiFastStream) -> dict[str, float]:
    """`echo_jobs_total` by outcome (those above zero), from the worker's `/metrics`."""
    page = (await http_get(app, "/metrics")).text
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(page)
        if family.name == "echo_jobs"
        for sample in family.samples
        if sample.name == "echo_jobs_total" and sample.value
    }


REPO_ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def worker_process(
    module: str, env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m <module>` with only `env`, output appended to `log`; stopped (SIGTERM,
    then SIGKILL after 30 s) if still running when the block ends."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, cwd=REPO_ROOT, env=env, stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            except TimeoutError:
                process.kill()
                await process.wait()
