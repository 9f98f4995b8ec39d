"""The shared job runner against a real JetStream: retries, bounded attempts, typed failure."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from faststream.nats import NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic import TypeAdapter

from contracts import (
    BlobRef,
    JobCompletedEvent,
    JobErrorCode,
    JobFailedEvent,
    JobKind,
    JobRef,
    JobStartedEvent,
    MediaProbe,
    MetadataResult,
    VideoUploadedEvent,
    WorkerJobEvent,
    subjects,
)
from contracts.streams import VIDEOS, ConsumerSpec
from services.common.blobs import LocalBlobStore
from services.common.bus import bound_stream, declare_consumer, make_broker
from services.common.settings import BusSettings
from services.common.worker import (
    JobContext,
    WorkerSettings,
    declare_job_publishers,
    run_job,
)
from services.devstack.servers import NatsServer
from tests.support.bus import eventually, publish_upload, stored_job_events

SPEC = ConsumerSpec(
    durable="test-worker", stream=VIDEOS.name, filter_subject=subjects.VIDEO_UPLOADED
)
_EVENT = TypeAdapter[WorkerJobEvent](WorkerJobEvent)
Work = Callable[[JobContext], MetadataResult]


class _Settings(WorkerSettings):
    pass


def _result(context: JobContext) -> MetadataResult:
    del context
    return MetadataResult(probe=MediaProbe(container_format="mp4", size_bytes=1, stream_count=1))


@pytest.fixture
async def run_worker(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path
) -> AsyncIterator[Callable[[Work], Awaitable[None]]]:
    """Start a worker running the given work function on the shared runner."""
    with contextlib.suppress(NotFoundError):
        await jetstream.delete_consumer(SPEC.stream, SPEC.durable)
    settings = _Settings(max_deliver=3, retry_base_delay_seconds=0.2, ack_wait_seconds=5)
    bus = BusSettings(nats_url=nats_server.url)
    brokers: list[NatsBroker] = []

    async def start(work: Work) -> None:
        broker = make_broker(bus, graceful_timeout=2)
        publishers = declare_job_publishers(broker, JobKind.METADATA)

        @broker.subscriber(
            SPEC.filter_subject,
            stream=bound_stream(VIDEOS),
            durable=SPEC.durable,
            pull_sub=PullSub(batch_size=1, timeout=0.5),
            config=settings.consumer_config(SPEC),
            max_workers=1,
        )
        async def handle(event: VideoUploadedEvent, message: NatsMessage) -> None:
            await run_job(
                message=message,
                event=event,
                kind=JobKind.METADATA,
                work=work,
                publishers=publishers,
                store=LocalBlobStore(blob_root),
                settings=settings,
                bus=bus,
            )

        js = (await broker.connect()).jetstream()
        await declare_consumer(js, SPEC, settings.consumer_config(SPEC))
        await broker.start()
        brokers.append(broker)

    yield start
    for broker in brokers:
        await broker.stop()


async def _dispatch(js: JetStreamContext) -> VideoUploadedEvent:
    event = VideoUploadedEvent(
        video_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        source=BlobRef(key="videos/x/y/source", size_bytes=1),
        original_filename="clip.mp4",
        jobs=[JobRef(job_id=uuid.uuid4(), kind=JobKind.METADATA)],
    )
    await publish_upload(js, event)
    return event


async def test_a_transient_error_is_retried_and_the_job_completes_once(
    jetstream: JetStreamContext, run_worker: Callable[[Work], Awaitable[None]]
) -> None:
    attempts: list[int] = []

    def flaky(context: JobContext) -> MetadataResult:
        attempts.append(context.attempt)
        if context.attempt == 1:
            raise ConnectionError("blob storage briefly unavailable")
        return _result(context)

    await run_worker(flaky)
    await _dispatch(jetstream)

    async def completed() -> bool:
        return any(isinstance(e, JobCompletedEvent) for e in await stored_job_events(jetstream))

    await eventually(completed, within=20, what="a completed event")
    events = await stored_job_events(jetstream)
    assert attempts == [1, 2]
    assert [e.attempt for e in events if isinstance(e, JobStartedEvent)] == [1, 2]
    assert [type(e) for e in events].count(JobCompletedEvent) == 1
    assert not any(isinstance(e, JobFailedEvent) for e in events)


async def test_an_error_on_every_attempt_ends_as_a_retriable_failure(
    jetstream: JetStreamContext, run_worker: Callable[[Work], Awaitable[None]]
) -> None:
    def broken(context: JobContext) -> MetadataResult:
        raise RuntimeError(f"bug on attempt {context.attempt}")

    await run_worker(broken)
    await _dispatch(jetstream)

    async def failed() -> bool:
        return any(isinstance(e, JobFailedEvent) for e in await stored_job_events(jetstream))

    await eventually(failed, within=20, what="a failed event")
    events = await stored_job_events(jetstream)
    failures = [e for e in events if isinstance(e, JobFailedEvent)]
    assert len(failures) == 1
    assert failures[0].attempt == 3
    assert failures[0].error.code == JobErrorCode.INTERNAL
    assert failures[0].error.retriable is True
    consumer = await jetstream.consumer_info(SPEC.stream, SPEC.durable)
    assert consumer.num_ack_pending == 0
    assert consumer.num_pending == 0
