"""The worker as deployed, in-process, against the real NATS server of the test session.

Events go in with nats-py exactly as the gateway's outbox relay sends them; what
the worker reports is read back from the `ECHO_JOBS` stream.
"""

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import av
import httpx
import pytest
from av.container import InputContainer
from faststream.asgi import AsgiFastStream
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo
from nats.js.errors import NotFoundError
from pydantic import TypeAdapter

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobRef,
    JobStartedEvent,
    MetadataResult,
    VideoUploadedEvent,
    WorkerJobEvent,
)
from contracts.media import MediaProbe
from contracts.streams import METADATA, VIDEOS
from services.common.blobs import LocalBlobStore, source_key
from services.common.bus import MSG_ID_HEADER
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.metadata.app import create_app
from services.metadata.metrics import MetadataMetrics
from services.metadata.settings import MetadataSettings
from tests.metadata.test_poster import decode_jpeg
from tests.support.bus import eventually, publish_upload, stored_job_events

T = TypeVar("T")
WAIT_SECONDS = 20.0
EVENTS: TypeAdapter[WorkerJobEvent] = TypeAdapter(WorkerJobEvent)


async def consumer(js: JetStreamContext) -> ConsumerInfo:
    info: ConsumerInfo = await js.consumer_info(VIDEOS.name, METADATA.durable)
    return info


class Upload:
    """One stored upload and the event announcing it."""

    def __init__(self, blob_root: Path, source: Path, kinds: tuple[JobKind, ...]) -> None:
        owner_id, video_id = uuid.uuid4(), uuid.uuid4()
        self.store = LocalBlobStore(blob_root)
        key = source_key(owner_id, video_id)
        self.store.path(key).parent.mkdir(parents=True)
        shutil.copyfile(source, self.store.path(key))
        self.jobs = {kind: JobRef(job_id=uuid.uuid4(), kind=kind) for kind in kinds}
        self.event = VideoUploadedEvent(
            video_id=video_id,
            owner_id=owner_id,
            source=self.store.ref(key),
            original_filename=source.name,
            jobs=list(self.jobs.values()),
        )

    @property
    def job_id(self) -> uuid.UUID:
        return self.jobs[JobKind.METADATA].job_id

    async def publish(self, js: JetStreamContext, msg_id: str | None = None) -> int:
        """Publish as the outbox relay does; returns the stream sequence."""
        return await publish_upload(js, self.event, msg_id or str(uuid.uuid4()))

    async def ended(self, js: JetStreamContext) -> list[WorkerJobEvent] | None:
        """This job's events once a terminal one is stored, else None."""
        mine = [event for event in await stored_job_events(js) if event.job_id == self.job_id]
        done = any(isinstance(event, JobCompletedEvent | JobFailedEvent) for event in mine)
        return mine if done else None


async def settled(js: JetStreamContext, sequence: int) -> ConsumerInfo | None:
    """The consumer's state once it acknowledged everything up to `sequence`."""
    info = await consumer(js)
    if info.ack_floor is None or info.ack_floor.stream_seq is None:
        return None
    caught_up = info.ack_floor.stream_seq >= sequence and not info.num_ack_pending
    return info if caught_up else None


def independent_probe(path: Path) -> dict[str, object]:
    """What plain PyAV says about a synthetic file (no rotation, square pixels)."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert container.duration is not None
        assert video.average_rate is not None
        return {
            "container_format": container.format.name,
            "duration_seconds": container.duration / 1e6,
            "size_bytes": path.stat().st_size,
            "bit_rate": container.bit_rate,
            "stream_count": len(container.streams),
            "video": (
                video.codec_context.name,
                video.codec_context.width,
                video.codec_context.height,
                float(Fraction(video.average_rate)),
                video.codec_context.pix_fmt,
            ),
            "audio": (
                audio.codec_context.name,
                audio.codec_context.channels,
                audio.codec_context.sample_rate,
            ),
        }


def as_probed(probe: MediaProbe) -> dict[str, object]:
    assert probe.video is not None
    assert probe.audio is not None
    return {
        "container_format": probe.container_format,
        "duration_seconds": probe.duration_seconds,
        "size_bytes": probe.size_bytes,
        "bit_rate": probe.bit_rate,
        "stream_count": probe.stream_count,
        "video": (
            probe.video.codec,
            probe.video.display_width,
            probe.video.display_height,
            probe.video.frame_rate,
            probe.video.pixel_format,
        ),
        "audio": (probe.audio.codec, probe.audio.channels, probe.audio.sample_rate),
    }


@pytest.fixture
def metrics() -> MetadataMetrics:
    return MetadataMetrics()


@pytest.fixture
async def worker(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path, metrics: MetadataMetrics
) -> AsyncIterator[AsgiFastStream]:
    """The worker app started (streams declared, consumer bound), stopped after the test."""
    # A fresh durable each test, so its delivery counters are this test's alone.
    with contextlib.suppress(NotFoundError):
        await jetstream.delete_consumer(VIDEOS.name, METADATA.durable)
    app = create_app(
        MetadataSettings(
            ack_wait_seconds=10,
            max_deliver=3,
            progress_interval_seconds=0.05,
            retry_base_delay_seconds=0.2,
        ),
        bus=BusSettings(nats_url=nats_server.url),
        blobs=BlobSettings(blob_root=blob_root),
        metrics=metrics,
    )
    async with running(app):
        yield app


@asynccontextmanager
async def running(app: AsgiFastStream) -> AsyncIterator[None]:
    """Start and stop the app in one task of its own: its task group must not change task
    between a fixture's setup and teardown, which pytest-asyncio runs apart."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def serve() -> None:
        async with app.start_lifespan_context():
            started.set()
            await stop.wait()

    task = asyncio.create_task(serve())
    ready = asyncio.create_task(started.wait())
    await asyncio.wait({task, ready}, timeout=WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    if not started.is_set():
        ready.cancel()
        task.cancel()
        await asyncio.gather(task, ready, return_exceptions=True)
        raise AssertionError(f"the worker did not start: {task.exception() if task.done() else ''}")
    try:
        yield
    finally:
        stop.set()
        await task


def outcomes(metrics: MetadataMetrics) -> dict[str, float]:
    return {
        sample.labels["outcome"]: sample.value
        for family in metrics.jobs.collect()
        for sample in family.samples
        if sample.name.endswith("_total") and sample.value
    }


async def test_upload_is_probed_and_reported_started_then_completed(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_video: Path,
    metrics: MetadataMetrics,
) -> None:
    upload = Upload(blob_root, sample_video, (JobKind.TRANSCODE, JobKind.METADATA))
    sequence = await upload.publish(jetstream)

    events = await eventually(lambda: upload.ended(jetstream), within=WAIT_SECONDS)

    assert isinstance(events[0], JobStartedEvent)
    assert isinstance(events[-1], JobCompletedEvent)
    assert all(isinstance(event, JobProgressEvent) for event in events[1:-1])
    assert all(event.kind is JobKind.METADATA and event.attempt == 1 for event in events)
    assert all(event.video_id == upload.event.video_id for event in events)
    result = events[-1].result
    assert isinstance(result, MetadataResult)
    probed, expected = as_probed(result.probe), independent_probe(sample_video)
    assert probed.pop("duration_seconds") == pytest.approx(expected.pop("duration_seconds"))
    assert probed == expected
    assert result.poster is not None
    assert decode_jpeg(upload.store.path(result.poster.key).read_bytes()).shape == (240, 320, 3)
    await eventually(lambda: settled(jetstream, sequence), within=WAIT_SECONDS)
    assert outcomes(metrics) == {"completed": 1}


async def test_a_file_that_is_not_media_fails_once_without_retry(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_not_media: Path,
    metrics: MetadataMetrics,
) -> None:
    upload = Upload(blob_root, sample_not_media, (JobKind.METADATA,))
    sequence = await upload.publish(jetstream)

    events = await eventually(lambda: upload.ended(jetstream), within=WAIT_SECONDS)
    info = await eventually(lambda: settled(jetstream, sequence), within=WAIT_SECONDS)

    failed = [event for event in events if isinstance(event, JobFailedEvent)]
    assert len(failed) == 1
    assert not any(isinstance(event, JobCompletedEvent) for event in events)
    assert failed[0].error.code is JobErrorCode.NOT_MEDIA
    assert failed[0].error.retriable is False
    assert "not a video" in failed[0].error.message
    assert info.delivered is not None
    assert info.delivered.consumer_seq == 1
    assert info.num_redelivered == 0
    assert outcomes(metrics) == {"failed": 1}


async def test_the_same_job_delivered_twice_completes_once(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_video: Path,
    metrics: MetadataMetrics,
) -> None:
    upload = Upload(blob_root, sample_video, (JobKind.METADATA,))
    await upload.publish(jetstream, msg_id="outbox-1")
    # A relay retry with the same id is dropped by the stream itself...
    duplicate = await jetstream.publish(
        subjects.VIDEO_UPLOADED,
        upload.event.model_dump_json().encode(),
        headers={MSG_ID_HEADER: "outbox-1"},
    )
    assert duplicate.duplicate
    # ...and one past the duplicate window reaches the worker a second time.
    sequence = await upload.publish(jetstream, msg_id="outbox-1-again")

    await eventually(lambda: settled(jetstream, sequence), within=WAIT_SECONDS)

    events = [e for e in await stored_job_events(jetstream) if e.job_id == upload.job_id]
    completed = [event for event in events if isinstance(event, JobCompletedEvent)]
    assert len(completed) == 1
    assert not any(isinstance(event, JobFailedEvent) for event in events)
    assert outcomes(metrics) == {"completed": 2}


async def test_an_event_without_a_metadata_job_is_acked_and_ignored(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_video: Path,
    metrics: MetadataMetrics,
) -> None:
    upload = Upload(blob_root, sample_video, (JobKind.TRANSCODE,))
    sequence = await upload.publish(jetstream)

    info = await eventually(lambda: settled(jetstream, sequence), within=WAIT_SECONDS)

    assert info.num_redelivered == 0
    assert await stored_job_events(jetstream) == []
    assert outcomes(metrics) == {"ignored": 1}


async def test_health_readiness_and_metrics_answer(worker: AsgiFastStream) -> None:
    transport = httpx.ASGITransport(app=worker)
    async with httpx.AsyncClient(transport=transport, base_url="http://metadata") as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")

    assert health.status_code == 200
    assert health.json() == {"status": "ok", "service": "metadata", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True, "blobs": True}
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'echo_metadata_jobs_total{outcome="completed"}' in metrics.text
    assert "echo_metadata_probe_seconds_bucket" in metrics.text


async def test_not_ready_without_a_broker_or_blob_root(tmp_path: Path) -> None:
    app = create_app(
        MetadataSettings(),
        bus=BusSettings(nats_url="nats://127.0.0.1:1"),
        blobs=BlobSettings(blob_root=tmp_path / "missing"),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://metadata") as client:
        ready = await client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"] == {"nats": False, "blobs": False}
