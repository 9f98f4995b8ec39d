"""The transcoder app in this process against a real nats-server: events, acks, dedupe."""

from pathlib import Path

import httpx
import pytest
from nats.js import JetStreamContext

from contracts.enums import JobErrorCode, JobKind
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobStartedEvent,
    TranscodeResult,
    VideoUploadedEvent,
    WorkerJobEvent,
)
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.transcoder.app import create_app
from tests.support.bus import eventually, publish_upload, stored_job_events
from tests.support.media import decode_fully, make_faststart, make_truncated
from tests.transcoder.support import (
    Worker,
    partial_files,
    upload,
    worker_settings,
)

WAIT_SECONDS = 30


async def events_of(js: JetStreamContext, event: VideoUploadedEvent) -> list[WorkerJobEvent]:
    job = event.job_of_kind(JobKind.TRANSCODE)
    assert job is not None
    return [stored for stored in await stored_job_events(js) if stored.job_id == job.job_id]


async def wait_for_terminal(worker: Worker, event: VideoUploadedEvent) -> list[WorkerJobEvent]:
    async def probe() -> list[WorkerJobEvent] | None:
        events = await events_of(worker.js, event)
        terminal = [e for e in events if isinstance(e, JobCompletedEvent | JobFailedEvent)]
        return events if terminal else None

    return await eventually(probe, within=WAIT_SECONDS)


async def wait_until_acked(worker: Worker, stream_sequence: int) -> None:
    async def probe() -> bool:
        info = await worker.consumer()
        return info.ack_floor is not None and info.ack_floor.stream_seq >= stream_sequence

    await eventually(probe, within=WAIT_SECONDS)


async def test_job_reports_started_then_progress_then_completed(
    worker: Worker, sample_long_video: Path
) -> None:
    event = upload(worker.store, sample_long_video)
    sequence = await publish_upload(worker.js, event)

    events = await wait_for_terminal(worker, event)
    await wait_until_acked(worker, sequence)

    assert isinstance(events[0], JobStartedEvent)
    assert isinstance(events[-1], JobCompletedEvent)
    progress = [e for e in events if isinstance(e, JobProgressEvent)]
    assert progress
    assert all(e.attempt == 1 and e.kind is JobKind.TRANSCODE for e in events)
    percents = [e.percent for e in progress]
    assert percents == sorted(percents)
    result = events[-1].result
    assert isinstance(result, TranscodeResult)
    rendition = result.renditions[0]
    output = worker.store.path(rendition.file.key)
    decoded = decode_fully(output)
    assert abs(decoded.duration_seconds - 20.0) < 0.1
    assert (decoded.width, decoded.height) == (640, 360)
    assert rendition.file.size_bytes == output.stat().st_size
    info = await worker.consumer()
    assert info.num_redelivered == 0
    assert info.num_ack_pending == 0


@pytest.mark.parametrize("kind", ["not_media", "truncated"])
async def test_bad_input_fails_once_without_retry(
    worker: Worker, sample_not_media: Path, sample_video: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "not_media":
        source, code = sample_not_media, JobErrorCode.NOT_MEDIA
    else:
        complete = make_faststart(sample_video, tmp_path / "faststart.mp4")
        source, code = make_truncated(complete, tmp_path / "cut.mp4"), JobErrorCode.DAMAGED_MEDIA
    event = upload(worker.store, source)
    sequence = await publish_upload(worker.js, event)

    events = await wait_for_terminal(worker, event)
    await wait_until_acked(worker, sequence)

    failed = [e for e in events if isinstance(e, JobFailedEvent)]
    assert len(failed) == 1
    assert failed[0].error.code is code
    assert not failed[0].error.retriable
    assert not any(isinstance(e, JobCompletedEvent) for e in events)
    info = await worker.consumer()
    assert info.delivered is not None
    assert info.delivered.stream_seq == sequence
    assert info.num_redelivered == 0
    assert info.num_ack_pending == 0
    assert partial_files(worker.store.root) == []


async def test_duplicate_dispatch_completes_once(worker: Worker, sample_video: Path) -> None:
    event = upload(worker.store, sample_video)
    await publish_upload(worker.js, event, f"{event.event_id}:first")
    second = await publish_upload(worker.js, event, f"{event.event_id}:replayed")
    await wait_until_acked(worker, second)

    events = await events_of(worker.js, event)

    completed = [e for e in events if isinstance(e, JobCompletedEvent)]
    assert len(completed) == 1
    assert len([e for e in events if isinstance(e, JobStartedEvent)]) == 1
    outputs = [p for p in worker.store.root.rglob("transcode/*") if p.is_file()]
    assert len(outputs) == 1
    assert decode_fully(outputs[0]).video_frames == 50


async def test_dispatch_without_a_transcode_job_is_acked_and_ignored(
    worker: Worker, sample_video: Path
) -> None:
    event = upload(worker.store, sample_video, kinds=(JobKind.METADATA,))
    sequence = await publish_upload(worker.js, event)

    await wait_until_acked(worker, sequence)

    assert await stored_job_events(worker.js) == []
    assert list(worker.store.root.rglob("transcode")) == []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=worker.app), base_url="http://transcoder"
    ) as client:
        metrics = (await client.get("/metrics")).text
    assert 'echo_transcoder_jobs_total{outcome="ignored"} 1.0' in metrics


async def test_health_readiness_and_metrics(worker: Worker, sample_video: Path) -> None:
    event = upload(worker.store, sample_video)
    await publish_upload(worker.js, event)
    await wait_for_terminal(worker, event)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=worker.app), base_url="http://transcoder"
    ) as client:
        live = await client.get("/healthz")
        ready = await client.get("/readyz")
        metrics = (await client.get("/metrics")).text

    assert live.status_code == 200
    assert live.json() == {"status": "ok", "service": "transcoder", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True, "blob_root": True}
    assert 'echo_transcoder_jobs_total{outcome="completed"} 1.0' in metrics
    assert "echo_transcoder_frames_encoded_total 50.0" in metrics
    assert 'echo_transcoder_transcode_seconds_count{outcome="completed"} 1.0' in metrics


async def test_not_ready_without_blob_root(
    clean_bus: JetStreamContext, nats_server: NatsServer, tmp_path: Path
) -> None:
    app = create_app(
        worker_settings(),
        BusSettings(nats_url=nats_server.url),
        BlobSettings(blob_root=tmp_path / "not-mounted"),
    )
    async with (
        app,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://transcoder"
        ) as client,
    ):
        ready = await client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"] == {"nats": True, "blob_root": False}
