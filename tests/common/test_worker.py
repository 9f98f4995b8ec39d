"""The worker kit against a real nats-server: the messages it sends, how every error ends,
heartbeats, and the drain on shutdown.

The work functions here are plain Python (no media), so each test shows the kit alone.
"""

import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from faststream.asgi import AsgiFastStream
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic_settings import SettingsConfigDict

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobRequestedCommand,
    JobStartedEvent,
    MetadataResult,
)
from contracts.media import MediaProbe
from contracts.streams import DEAD_LETTERS, JOBS, PROGRESS, WORKERS
from contracts.subjects import JobStateEvent
from services.common.blobs import LocalBlobStore
from services.common.bus import (
    BusNotMigratedError,
    ConsumerTuning,
    state_event_msg_id,
    stream_config,
)
from services.common.media import MediaError
from services.common.settings import WORKER_ENV_PREFIXES, BlobSettings, BusSettings
from services.common.worker import JobContext, JobWork, WorkerSettings, worker_app
from services.common.worker.progress import progress_msg_id
from services.devstack.servers import NatsServer
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.workers import (
    fresh_consumer,
    http_get,
    job_outcomes,
    publish_command,
    recorded_progress,
    redispatch,
    running,
    settled,
    stage_upload,
    state_events,
    terminal_events,
    worker_consumer,
)

KIND = JobKind.METADATA
StartWorker = Callable[..., AbstractAsyncContextManager[AsgiFastStream]]


class _Settings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="ECHO_TEST_WORKER_", extra="ignore", frozen=True)


def _settings(**overrides: float) -> _Settings:
    values: dict[str, float] = {
        "port": 0,
        "ack_wait_seconds": 10,
        "max_deliver": 3,
        "retry_base_delay_seconds": 0.3,
        "progress_interval_seconds": 0.05,
        "drain_grace_seconds": 5,
    }
    return _Settings.model_validate(values | overrides)


def _result() -> MetadataResult:
    return MetadataResult(probe=MediaProbe(container_format="mp4", size_bytes=1, stream_count=1))


class Calls:
    """What the work was called with, and when."""

    def __init__(self) -> None:
        self.deliveries: list[int] = []
        self.times: list[float] = []

    def record(self, context: JobContext) -> None:
        self.deliveries.append(context.delivery)
        self.times.append(time.monotonic())


@pytest.fixture
def command(blob_root: Path, sample_not_media: Path) -> JobRequestedCommand:
    # The kit never opens the source; any file stands for the upload.
    return stage_upload(LocalBlobStore(blob_root), sample_not_media, KIND)


@pytest.fixture
def bus(nats_server: NatsServer) -> BusSettings:
    return BusSettings(nats_url=nats_server.url, nats_publish_attempts=1)


@pytest.fixture
def start_worker(jetstream: JetStreamContext, bus: BusSettings, blob_root: Path) -> StartWorker:
    """A worker running the test's work function; a fresh consumer tuned like it unless
    `fresh=False` (a second worker taking over the first one's deliveries)."""

    @asynccontextmanager
    async def start(
        work: JobWork, *, fresh: bool = True, **overrides: float
    ) -> AsyncIterator[AsgiFastStream]:
        settings = _settings(**overrides)
        if fresh:
            await fresh_consumer(jetstream, KIND, settings)
        app = worker_app(KIND, settings, work, bus=bus, blobs=BlobSettings(blob_root=blob_root))
        async with running(app):
            yield app

    return start


@asynccontextmanager
async def refusing(js: JetStreamContext, refused: JobStateEvent) -> AsyncIterator[None]:
    """`ECHO_JOBS` stops storing one kind of state event (every publish of it fails)
    until the block ends; commands and the other events are stored as usual."""
    kept = [subjects.job_requested(kind) for kind in JobKind] + [
        subjects.job_event(kind, name)
        for kind in JobKind
        for name in JobStateEvent
        if name is not refused
    ]
    config = stream_config(JOBS, replicas=1)
    config.subjects = kept
    await js.update_stream(config)
    try:
        yield
    finally:
        await js.update_stream(stream_config(JOBS, replicas=1))


def test_consumer_tuning_is_read_the_same_way_by_the_worker_and_the_migrate_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = WORKER_ENV_PREFIXES[JobKind.TRANSCODE]
    defaults = ConsumerTuning()
    assert {name: getattr(_Settings(), name) for name in ConsumerTuning.model_fields} == dict(
        defaults
    )
    monkeypatch.setenv(f"{prefix}ACK_WAIT_SECONDS", "90")
    monkeypatch.setenv(f"{prefix}MAX_DELIVER", "7")

    class Tuned(WorkerSettings):
        model_config = SettingsConfigDict(env_prefix=prefix, extra="ignore", frozen=True)

    worker, migrate = Tuned(), ConsumerTuning(_env_prefix=prefix)
    assert (worker.ack_wait_seconds, worker.max_deliver) == (90, 7)
    assert (migrate.ack_wait_seconds, migrate.max_deliver) == (90, 7)


def test_retry_delay_doubles_from_the_base_and_is_capped() -> None:
    settings = _settings(retry_base_delay_seconds=2)

    assert [settings.retry_delay(n) for n in (1, 2, 3)] == [2, 4, 8]
    assert settings.retry_delay(30) == 300


async def test_started_progress_completed_on_their_subjects_with_ids_per_attempt(
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    def work(context: JobContext) -> MetadataResult:
        context.report_progress(10, phase=JobPhase.PROBING)
        time.sleep(0.2)
        context.report_progress(60, 4.0, phase=JobPhase.EXTRACTING)
        time.sleep(0.2)
        return _result()

    async with recorded_progress(nats_client) as progress, start_worker(work) as app:
        await publish_command(jetstream, command)
        first = await terminal_events(jetstream, command.job_id)
        again = redispatch(command)
        await settled(jetstream, KIND, await publish_command(jetstream, again))
        every = await state_events(jetstream, command.job_id)
        metrics = (await http_get(app, "/metrics")).text

    assert [type(e) for e in first] == [JobStartedEvent, JobCompletedEvent]
    assert [(type(e), e.attempt) for e in every] == [
        (JobStartedEvent, 1),
        (JobCompletedEvent, 1),
        (JobStartedEvent, 2),
        (JobCompletedEvent, 2),
    ]
    assert all(e.delivery == 1 and e.kind is KIND for e in every)
    ids = {(m.subject, msg_id(m)) for m in await stream_messages(jetstream, JOBS.name)}
    assert {
        (subjects.job_event(KIND, name), state_event_msg_id(command.job_id, attempt, 1, name))
        for name in (JobStateEvent.STARTED, JobStateEvent.COMPLETED)
        for attempt in (1, 2)
    } <= ids
    mine = [p for p in progress if p.job_id == command.job_id and p.attempt == 1]
    assert [(p.progress, p.phase) for p in mine] == [
        (10, JobPhase.PROBING),
        (60, JobPhase.EXTRACTING),
    ]
    assert mine[1].eta_seconds == 4.0
    latest = await jetstream.get_last_msg(
        PROGRESS.name, subjects.job_progress(command.owner_id, command.job_id)
    )
    assert msg_id(latest) == progress_msg_id(command.job_id, 2, 1, 2)
    assert 'echo_job_phase_seconds_count{kind="metadata",phase="probing"} 2.0' in metrics
    assert 'echo_jobs_total{kind="metadata",outcome="completed"} 2.0' in metrics


async def test_a_transient_error_is_retried_after_a_delay_and_completes_once(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    calls = Calls()

    def flaky(context: JobContext) -> MetadataResult:
        calls.record(context)
        if context.delivery == 1:
            raise ConnectionError("blob storage briefly unavailable")
        return _result()

    async with start_worker(flaky) as app:
        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        await settled(jetstream, KIND, sequence)
        assert await job_outcomes(app) == {"retried": 1, "completed": 1}

    assert calls.deliveries == [1, 2]
    assert calls.times[1] - calls.times[0] >= 0.3
    # Each delivery's `started` is news (a worker started the job again): both are stored.
    assert [(type(e), e.delivery) for e in events] == [
        (JobStartedEvent, 1),
        (JobStartedEvent, 2),
        (JobCompletedEvent, 2),
    ]


async def test_a_failing_started_publish_is_retried_with_backoff(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    calls = Calls()
    nacked = time.monotonic()

    def work(context: JobContext) -> MetadataResult:
        calls.record(context)
        return _result()

    async with start_worker(work, retry_base_delay_seconds=1.0) as app:
        async with refusing(jetstream, JobStateEvent.STARTED):
            sequence = await publish_command(jetstream, command)
            await eventually(_reached(app, "retried"), what="a retried delivery")
            nacked = time.monotonic()
        events = await terminal_events(jetstream, command.job_id)
        await settled(jetstream, KIND, sequence)

    assert calls.deliveries == [2]
    assert calls.times[0] - nacked >= 0.5, "redelivered before the backoff delay"
    assert [(type(e), e.delivery) for e in events] == [
        (JobStartedEvent, 2),
        (JobCompletedEvent, 2),
    ]


async def test_an_unpublishable_failure_is_nacked_not_acked(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    def bad_input(context: JobContext) -> MetadataResult:
        raise MediaError(JobErrorCode.NOT_MEDIA, f"delivery {context.delivery}: not a video")

    async with start_worker(bad_input) as app:
        async with refusing(jetstream, JobStateEvent.FAILED):
            sequence = await publish_command(jetstream, command)
            await eventually(_reached(app, "retried"), what="a retried delivery")
        events = await terminal_events(jetstream, command.job_id)
        await settled(jetstream, KIND, sequence)
        assert await job_outcomes(app) == {"retried": 1, "failed": 1}

    (failure,) = [e for e in events if isinstance(e, JobFailedEvent)]
    assert failure.delivery == 2
    assert failure.error.message == "delivery 2: not a video"


async def test_bad_input_fails_at_once_and_is_never_retried(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    calls = Calls()

    def bad_input(context: JobContext) -> MetadataResult:
        calls.record(context)
        raise MediaError(JobErrorCode.NOT_MEDIA, "This file is not a video.")

    async with start_worker(bad_input) as app:
        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        info = await settled(jetstream, KIND, sequence)
        assert await job_outcomes(app) == {"failed": 1}

    assert calls.deliveries == [1]
    assert [type(e) for e in events] == [JobStartedEvent, JobFailedEvent]
    assert isinstance(events[-1], JobFailedEvent)
    assert events[-1].error.code is JobErrorCode.NOT_MEDIA
    assert events[-1].error.retriable is False
    assert info.num_redelivered == 0


async def test_an_error_on_every_delivery_ends_as_one_retriable_failure(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    def broken(context: JobContext) -> MetadataResult:
        raise RuntimeError(f"bug on delivery {context.delivery}")

    async with start_worker(broken, max_deliver=3, retry_base_delay_seconds=0.1) as app:
        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        info = await settled(jetstream, KIND, sequence)
        assert await job_outcomes(app) == {"retried": 2, "exhausted": 1}

    (failure,) = [e for e in events if isinstance(e, JobFailedEvent)]
    assert failure.delivery == 3
    assert failure.attempt == 1
    assert failure.error.code is JobErrorCode.INTERNAL
    assert failure.error.retriable is True
    assert info.num_pending == 0


async def test_heartbeats_keep_a_job_longer_than_the_ack_wait(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    calls = Calls()

    def slow(context: JobContext) -> MetadataResult:
        calls.record(context)
        time.sleep(3.5)
        return _result()

    async with start_worker(slow, ack_wait_seconds=1.5):
        sequence = await publish_command(jetstream, command)
        await terminal_events(jetstream, command.job_id)
        info = await settled(jetstream, KIND, sequence)

    assert calls.deliveries == [1]
    assert info.num_redelivered == 0


async def test_shutdown_lets_a_job_finish_within_the_grace(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    began = threading.Event()

    def work(context: JobContext) -> MetadataResult:
        began.set()
        time.sleep(1.0)
        context.check_cancelled()
        return _result()

    async with start_worker(work, drain_grace_seconds=10):
        sequence = await publish_command(jetstream, command)
        await eventually(_is_set(began), what="the job to begin")

    events = await state_events(jetstream, command.job_id)
    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    info = await worker_consumer(jetstream, KIND)
    assert info.ack_floor is not None
    assert info.ack_floor.stream_seq == sequence


async def test_shutdown_hands_a_long_job_back_for_immediate_redelivery(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    command: JobRequestedCommand,
) -> None:
    began, stopped = threading.Event(), threading.Event()

    def endless(context: JobContext) -> MetadataResult:
        began.set()
        try:
            while True:
                context.check_cancelled()
                time.sleep(0.05)
        finally:
            stopped.set()

    calls = Calls()

    def quick(context: JobContext) -> MetadataResult:
        calls.record(context)
        return _result()

    # The ack wait is far longer than the test: only a NAK brings the command back soon.
    async with start_worker(endless, ack_wait_seconds=120, drain_grace_seconds=0.5) as first:
        await publish_command(jetstream, command)
        await eventually(_is_set(began), what="the job to begin")
        stopping = time.monotonic()
    drained_in = time.monotonic() - stopping
    assert stopped.is_set()
    assert await job_outcomes(first) == {"handed_back": 1}
    assert drained_in < 5

    async with start_worker(quick, fresh=False, ack_wait_seconds=120):
        events = await terminal_events(jetstream, command.job_id)

    assert calls.deliveries == [2]
    assert isinstance(events[-1], JobCompletedEvent)
    assert events[-1].delivery == 2


def _is_set(flag: threading.Event) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return flag.is_set()

    return probe


def _reached(app: AsgiFastStream, outcome: str) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return outcome in await job_outcomes(app)

    return probe


async def test_a_malformed_command_is_terminated_at_once_and_dead_lettered(
    jetstream: JetStreamContext, start_worker: StartWorker
) -> None:
    calls = Calls()

    def work(context: JobContext) -> MetadataResult:
        calls.record(context)
        return _result()

    async with start_worker(work) as app:
        published = await jetstream.publish(
            subjects.job_requested(KIND), b'{"job_id": "not a uuid"}'
        )
        info = await settled(jetstream, KIND, published.seq)
        assert await job_outcomes(app) == {}

    assert calls.deliveries == []
    assert info.num_redelivered == 0

    async def terminated() -> dict[str, object] | None:
        for message in await stream_messages(jetstream, DEAD_LETTERS.name):
            advisory: dict[str, object] = json.loads(message.data or b"")
            if advisory.get("stream_seq") == published.seq and advisory["stream"] == JOBS.name:
                return advisory
        return None

    record = await eventually(terminated, what="a dead-letter advisory")
    assert record["type"] == "io.nats.jetstream.advisory.v1.terminated"


async def test_startup_fails_clearly_without_the_migrated_consumer(
    jetstream: JetStreamContext, bus: BusSettings
) -> None:
    spec = WORKERS[KIND]
    await jetstream.delete_consumer(spec.stream, spec.durable)
    app = worker_app(KIND, _settings(), lambda context: _result(), bus=bus)

    with pytest.raises(BusNotMigratedError, match=r"python -m services\.migrate"):
        async with running(app):
            pass

    with pytest.raises(NotFoundError):
        await jetstream.consumer_info(spec.stream, spec.durable)
