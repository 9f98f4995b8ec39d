"""Cancelling a job, worker side, against a real nats-server: a running job stops within
seconds and leaves nothing behind, a cancelled command does no work, another job and a
later retry are not disturbed, and a deleted video's folder is never re-created.

The kit is shown with plain Python work that writes a staged file step by step; both
real workers are then cancelled mid-job on a 20 s synthetic clip.
"""

import asyncio
import shutil
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from faststream.asgi import AsgiFastStream
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo
from pydantic_settings import SettingsConfigDict

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind
from contracts.events import (
    JobCancelReason,
    JobCompletedEvent,
    JobProgressEvent,
    JobRequestedCommand,
    JobStartedEvent,
    JobStateChange,
    MetadataResult,
)
from contracts.media import MediaProbe
from services.common.blobs import LocalBlobStore, output_key
from services.common.media import MediaError
from services.common.settings import BlobSettings, BusSettings
from services.common.worker import JobContext, JobWork, WorkerSettings, worker_app
from services.devstack.servers import NatsServer
from services.metadata.app import create_app as create_metadata_app
from services.metadata.settings import MetadataSettings
from services.transcoder.app import create_app as create_transcoder_app
from tests.support.bus import eventually
from tests.support.workers import (
    fresh_consumer,
    job_context,
    job_files,
    job_outcomes,
    publish_cancel,
    publish_command,
    recorded_progress,
    redispatch,
    running,
    settled,
    stage_upload,
    state_events,
    terminal_events,
    video_folder,
)
from tests.transcoder.support import worker_settings as transcoder_settings

KIND = JobKind.METADATA
PROMPT_SECONDS = 2.5
"""How soon a cancelled job must have stopped and been acked ("within a few seconds")."""
StartWorker = Callable[..., AbstractAsyncContextManager[AsgiFastStream]]


class _Settings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="ECHO_TEST_WORKER_", extra="ignore", frozen=True)


def _settings() -> _Settings:
    return _Settings.model_validate(
        {
            "port": 0,
            "ack_wait_seconds": 10,
            "max_deliver": 3,
            "retry_base_delay_seconds": 0.3,
            "progress_interval_seconds": 0.05,
            "drain_grace_seconds": 5,
        }
    )


class SlowWork:
    """Work that stages an output in small steps (checking for a cancel before each), so
    a test can cancel it in the middle; `finished` lets a test hold its very end."""

    def __init__(self, steps: int = 200, step_seconds: float = 0.05) -> None:
        self.steps = steps
        self.step_seconds = step_seconds
        self.began = threading.Event()
        self.calls: list[int] = []
        self.finished: threading.Event | None = None

    def __call__(self, context: JobContext) -> MetadataResult:
        self.calls.append(context.command.attempt)
        command = context.command
        key = output_key(command.owner_id, command.video_id, command.kind, "out.bin")
        with context.outputs.staged_file(key) as path, path.open("wb") as file:
            for step in range(self.steps):
                context.check_cancelled()
                file.write(b"x" * 1024)
                file.flush()
                self.began.set()
                context.report_progress(100 * step / self.steps)
                time.sleep(self.step_seconds)
        if self.finished is not None:
            self.finished.wait(30)
        return MetadataResult(
            probe=MediaProbe(container_format="mp4", size_bytes=1, stream_count=1)
        )


@pytest.fixture
def store(blob_root: Path) -> LocalBlobStore:
    return LocalBlobStore(blob_root)


@pytest.fixture
def command(store: LocalBlobStore, sample_not_media: Path) -> JobRequestedCommand:
    # The kit never opens the source; any file stands for the upload.
    return stage_upload(store, sample_not_media, KIND)


@pytest.fixture
def start_worker(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path
) -> StartWorker:
    """A worker running the test's work function on a fresh consumer."""

    @asynccontextmanager
    async def start(work: JobWork, *, fresh: bool = True) -> AsyncIterator[AsgiFastStream]:
        settings = _settings()
        if fresh:
            await fresh_consumer(jetstream, KIND, settings)
        app = worker_app(
            KIND,
            settings,
            work,
            bus=BusSettings(nats_url=nats_server.url, nats_publish_attempts=1),
            blobs=BlobSettings(blob_root=blob_root),
        )
        async with running(app):
            yield app

    return start


async def began(work: SlowWork) -> None:
    await eventually(lambda: asyncio.to_thread(work.began.wait, 0.05), within=30, what="work")


async def stopped_after_cancel(
    js: JetStreamContext,
    kind: JobKind,
    command: JobRequestedCommand,
    sequence: int,
    reason: JobCancelReason = JobCancelReason.CANCELLED,
) -> tuple[float, ConsumerInfo]:
    """Cancel the running job; how long until its command was acked, and the consumer."""
    cancelled_at = time.monotonic()
    await publish_cancel(js, command, reason)
    info = await settled(js, kind, sequence)
    return time.monotonic() - cancelled_at, info


async def quiet_events(js: JetStreamContext, command: JobRequestedCommand) -> list[JobStateChange]:
    """The job's state events, after giving a stray late one time to arrive."""
    await asyncio.sleep(0.5)
    return await state_events(js, command.job_id)


async def test_a_running_job_stops_within_seconds_and_leaves_nothing(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
) -> None:
    work = SlowWork()
    async with start_worker(work) as app:
        sequence = await publish_command(jetstream, command)
        await began(work)
        assert job_files(store, command)  # a staged file is being written
        elapsed, info = await stopped_after_cancel(jetstream, KIND, command, sequence)
        events = await quiet_events(jetstream, command)
        outcomes = await job_outcomes(app)

    assert elapsed < PROMPT_SECONDS
    assert [type(e) for e in events] == [JobStartedEvent]
    assert job_files(store, command) == []
    assert not (video_folder(store, command) / KIND.value).exists()
    assert (info.num_pending, info.num_ack_pending, info.num_redelivered) == (0, 0, 0)
    assert outcomes == {"cancelled": 1}


async def test_a_command_cancelled_before_delivery_is_acked_without_work(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
) -> None:
    work = SlowWork(steps=1)
    await publish_cancel(jetstream, command)
    async with start_worker(work) as app:
        info = await settled(jetstream, KIND, await publish_command(jetstream, command))
        outcomes = await job_outcomes(app)

    assert work.calls == []
    assert await state_events(jetstream, command.job_id) == []
    assert job_files(store, command) == []
    assert (info.num_ack_pending, info.num_redelivered) == (0, 0)
    assert outcomes == {"cancelled": 1}


async def test_a_job_cancelled_while_finishing_publishes_and_shows_nothing(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
) -> None:
    work = SlowWork(steps=3)
    work.finished = threading.Event()
    async with start_worker(work) as app:
        sequence = await publish_command(jetstream, command)
        await began(work)
        await publish_cancel(jetstream, command)
        # The work never looks again: it returns its result as if nothing happened.
        work.finished.set()
        await settled(jetstream, KIND, sequence)
        events = await quiet_events(jetstream, command)
        outcomes = await job_outcomes(app)

    assert [type(e) for e in events] == [JobStartedEvent]
    assert job_files(store, command) == []
    assert outcomes == {"cancelled": 1}


async def test_a_cancel_of_another_job_or_a_malformed_one_does_not_disturb_this_one(
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
    sample_not_media: Path,
) -> None:
    elsewhere = stage_upload(store, sample_not_media, KIND)  # run by another replica
    work = SlowWork(steps=20)
    async with start_worker(work) as app:
        await publish_command(jetstream, command)
        await began(work)
        await publish_cancel(jetstream, elsewhere)
        await nats_client.publish(subjects.job_cancel(KIND, command.job_id), b"{not json")
        events = await terminal_events(jetstream, command.job_id)
        outcomes = await job_outcomes(app)

    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    assert [path.name for path in job_files(store, command)] == ["out.bin"]
    assert outcomes == {"completed": 1}


async def test_a_retry_after_a_cancel_runs_and_the_cancelled_attempt_does_not(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
) -> None:
    work = SlowWork(steps=2)
    retry = redispatch(command)
    await publish_cancel(jetstream, command)
    async with start_worker(work) as app:
        await publish_command(jetstream, command)
        await settled(jetstream, KIND, await publish_command(jetstream, retry))
        events = await state_events(jetstream, command.job_id)
        outcomes = await job_outcomes(app)

    assert work.calls == [2]
    assert [(type(e), e.attempt) for e in events] == [
        (JobStartedEvent, 2),
        (JobCompletedEvent, 2),
    ]
    assert [path.name for path in job_files(store, command)] == ["out.bin"]
    assert outcomes == {"cancelled": 1, "completed": 1}


async def test_a_deleted_videos_folder_is_never_recreated(
    jetstream: JetStreamContext,
    start_worker: StartWorker,
    store: LocalBlobStore,
    command: JobRequestedCommand,
) -> None:
    work = SlowWork()
    async with start_worker(work):
        sequence = await publish_command(jetstream, command)
        await began(work)
        # The gateway deletes the video's blobs while the job still writes, then cancels.
        await asyncio.to_thread(shutil.rmtree, video_folder(store, command))
        await asyncio.sleep(0.2)
        elapsed, _ = await stopped_after_cancel(
            jetstream, KIND, command, sequence, JobCancelReason.VIDEO_DELETED
        )
        events = await quiet_events(jetstream, command)

    assert elapsed < PROMPT_SECONDS
    assert [type(e) for e in events] == [JobStartedEvent]
    assert not video_folder(store, command).exists()


async def test_the_transcoder_stops_mid_encode_within_seconds(
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    nats_server: NatsServer,
    blob_root: Path,
    store: LocalBlobStore,
    sample_long_video: Path,
) -> None:
    settings = transcoder_settings()
    await fresh_consumer(jetstream, JobKind.TRANSCODE, settings)
    app = create_transcoder_app(
        settings, BusSettings(nats_url=nats_server.url), BlobSettings(blob_root=blob_root)
    )
    command = stage_upload(store, sample_long_video, JobKind.TRANSCODE)

    async def encoding(progress: list[JobProgressEvent]) -> bool:
        return any(p.job_id == command.job_id and p.progress >= 5 for p in progress)

    async with recorded_progress(nats_client) as progress, running(app):
        sequence = await publish_command(jetstream, command)
        await eventually(lambda: encoding(progress), within=60, what="the encode to be going")
        elapsed, info = await stopped_after_cancel(jetstream, JobKind.TRANSCODE, command, sequence)
        events = await quiet_events(jetstream, command)
        outcomes = await job_outcomes(app)

    assert elapsed < PROMPT_SECONDS
    assert [type(e) for e in events] == [JobStartedEvent]
    assert job_files(store, command) == []
    assert (info.num_pending, info.num_ack_pending, info.num_redelivered) == (0, 0, 0)
    assert outcomes == {"cancelled": 1}


async def test_the_metadata_worker_does_no_work_for_a_cancelled_job(
    jetstream: JetStreamContext,
    nats_server: NatsServer,
    blob_root: Path,
    store: LocalBlobStore,
    sample_long_video: Path,
) -> None:
    settings = MetadataSettings.model_validate({"port": 0, "ack_wait_seconds": 10})
    await fresh_consumer(jetstream, JobKind.METADATA, settings)
    app = create_metadata_app(
        settings, BusSettings(nats_url=nats_server.url), BlobSettings(blob_root=blob_root)
    )
    command = stage_upload(store, sample_long_video, JobKind.METADATA)
    await publish_cancel(jetstream, command, JobCancelReason.VIDEO_DELETED)

    async with running(app):
        info = await settled(jetstream, JobKind.METADATA, await publish_command(jetstream, command))
        outcomes = await job_outcomes(app)

    assert await state_events(jetstream, command.job_id) == []
    assert job_files(store, command) == []
    assert (info.num_ack_pending, info.num_redelivered) == (0, 0)
    assert outcomes == {"cancelled": 1}


def test_staged_outputs_appear_only_on_commit_and_discard_leaves_no_trace(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    kept = job_context(store, command, deferred=True)
    with kept.outputs.writer(output_key(command.owner_id, command.video_id, KIND, "a")) as out:
        out.write(b"bytes")
    assert [path.name.endswith(".partial") for path in job_files(store, command)] == [True]
    kept.outputs.commit()
    assert [path.name for path in job_files(store, command)] == ["a"]

    dropped = job_context(store, command, deferred=True)
    with dropped.outputs.staged_file(
        output_key(command.owner_id, command.video_id, KIND, "sub/b")
    ) as path:
        path.write_bytes(b"bytes")
    dropped.outputs.discard()
    assert [path.name for path in job_files(store, command)] == ["a"]
    assert not (video_folder(store, command) / KIND.value / "sub").exists()


def test_staging_never_recreates_a_deleted_video_folder(
    store: LocalBlobStore, command: JobRequestedCommand
) -> None:
    context = job_context(store, command, deferred=True)
    shutil.rmtree(video_folder(store, command))

    with (
        pytest.raises(MediaError) as raised,
        context.outputs.staged_file(output_key(command.owner_id, command.video_id, KIND, "a")),
    ):
        pass

    assert raised.value.error.code is JobErrorCode.SOURCE_MISSING
    assert not video_folder(store, command).exists()
