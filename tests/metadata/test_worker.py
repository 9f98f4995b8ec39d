"""The metadata worker as deployed against the real NATS server of the test session:
in process for the job's messages, and as its own process for a clean stop.

Commands go in with nats-py as the gateway sends them; what the worker reports is
read back from `ECHO_JOBS` and the progress subjects.
"""

import asyncio
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from faststream.asgi import AsgiFastStream
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.events import JobCompletedEvent, JobFailedEvent, JobStartedEvent, MetadataResult
from contracts.media import BlobRef, InputNoticeCode
from services.common.blobs import FileBlobStore, LocalBlobStore
from services.common.media import MediaLimits
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.metadata import job
from services.metadata.app import create_app
from services.metadata.picture import Checkpoint
from services.metadata.pictures import render_pictures
from services.metadata.poster import Poster
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings
from services.metadata.storyboard import EncodedStoryboard
from tests.support.media import check_storyboard, decode_fully, make_still_image
from tests.support.workers import (
    fresh_consumer,
    http_get,
    job_files,
    job_outcomes,
    publish_cancel,
    publish_command,
    recorded_progress,
    running,
    settled,
    stage_upload,
    state_events,
    terminal_events,
    worker_process,
)

KIND = JobKind.METADATA
STOP_SECONDS = 10.0
"""An idle worker stops well within this (the pull it waits on lasts 5 s at most)."""
HOLD_SECONDS = 30.0
"""Longest a test holds a job mid-work waiting for its cancel."""


@pytest.fixture
async def worker(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path
) -> AsyncIterator[AsgiFastStream]:
    """The worker started on a fresh consumer tuned for the test, stopped after it."""
    settings = MetadataSettings(
        ack_wait_seconds=10,
        max_deliver=3,
        progress_interval_seconds=0.05,
        retry_base_delay_seconds=0.2,
    )
    await fresh_consumer(jetstream, KIND, settings)
    app = create_app(
        settings, BusSettings(nats_url=nats_server.url), BlobSettings(blob_root=blob_root)
    )
    async with running(app):
        yield app


async def stored_type(blob_root: Path, ref: BlobRef) -> str | None:
    """The content type blob storage serves `ref` with (it must exist)."""
    stat = await FileBlobStore(blob_root).stat(ref.key)
    assert stat.size_bytes == ref.size_bytes
    return stat.content_type


async def test_a_video_is_probed_and_its_posters_and_storyboard_stored(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    blob_root: Path,
    sample_video: Path,
) -> None:
    store = LocalBlobStore(blob_root)
    command = stage_upload(store, sample_video, KIND)

    async with recorded_progress(nats_client) as progress:
        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        await settled(jetstream, KIND, sequence)

    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    assert all(e.kind is KIND and e.attempt == 1 and e.delivery == 1 for e in events)
    assert all(e.video_id == command.video_id for e in events)
    phases = [p.phase for p in progress if p.job_id == command.job_id]
    assert JobPhase.PROBING in phases or JobPhase.EXTRACTING in phases
    completed = events[-1]
    assert isinstance(completed, JobCompletedEvent)
    result = completed.result
    assert isinstance(result, MetadataResult)
    assert result.probe == probe_media(sample_video, MediaLimits())
    assert result.poster == result.posters[0].file
    assert [PurePosixPath(p.file.key).name for p in result.posters] == [
        "poster.jpg",
        "poster-320.jpg",
    ]
    for image in result.posters:
        assert await stored_type(blob_root, image.file) == image.file.content_type == "image/jpeg"
        picture = decode_fully(store.path(image.file.key))
        assert (picture.video_codec, picture.width, picture.height) == (
            "mjpeg",
            image.width,
            image.height,
        )
    board = result.storyboard
    assert board is not None
    assert await stored_type(blob_root, board.sprite) == board.sprite.content_type == "image/jpeg"
    assert await stored_type(blob_root, board.vtt) == board.vtt.content_type == "text/vtt"
    assert result.probe.video is not None
    assert result.probe.video.duration_seconds is not None
    cues = check_storyboard(
        store.path(board.vtt.key),
        store.path(board.sprite.key),
        duration=result.probe.video.duration_seconds,
    )
    assert len(cues) == board.count
    assert await job_outcomes(worker) == {"completed": 1}


async def test_an_audio_only_upload_completes_without_pictures_and_says_so(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, sample_audio_only: Path
) -> None:
    store = LocalBlobStore(blob_root)
    command = stage_upload(store, sample_audio_only, KIND)

    sequence = await publish_command(jetstream, command)
    events = await terminal_events(jetstream, command.job_id)
    await settled(jetstream, KIND, sequence)

    completed = events[-1]
    assert isinstance(completed, JobCompletedEvent)
    result = completed.result
    assert isinstance(result, MetadataResult)
    assert result.probe.video is None
    assert (result.poster, result.posters, result.storyboard) == (None, [], None)
    assert InputNoticeCode.AUDIO_ONLY in {notice.code for notice in result.probe.notices}
    assert job_files(store, command) == []


async def test_a_still_image_fails_as_one_without_retry(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, tmp_path: Path
) -> None:
    store = LocalBlobStore(blob_root)
    command = stage_upload(store, make_still_image(tmp_path / "photo.png"), KIND)

    sequence = await publish_command(jetstream, command)
    events = await terminal_events(jetstream, command.job_id)
    info = await settled(jetstream, KIND, sequence)

    assert [type(e) for e in events] == [JobStartedEvent, JobFailedEvent]
    failed = events[-1]
    assert isinstance(failed, JobFailedEvent)
    assert (failed.error.code, failed.error.retriable) == (JobErrorCode.NOT_MEDIA, False)
    assert "still image (PNG)" in failed.error.message
    assert info.num_redelivered == 0
    assert job_files(store, command) == []
    assert await job_outcomes(worker) == {"failed": 1}


async def test_a_job_cancelled_while_drawing_stops_and_leaves_nothing(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_long_video: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawing = threading.Event()

    def pictures_until_cancelled(
        *args: Any, checkpoint: Checkpoint, **kwargs: Any
    ) -> tuple[list[Poster], EncodedStoryboard]:
        # Holds the first frame until the cancel lands, so it cannot finish first.
        def held() -> None:
            drawing.set()
            deadline = time.monotonic() + HOLD_SECONDS
            while time.monotonic() < deadline:
                checkpoint()
                time.sleep(0.02)

        return render_pictures(*args, checkpoint=held, **kwargs)

    monkeypatch.setattr(job, "render_pictures", pictures_until_cancelled)
    store = LocalBlobStore(blob_root)
    command = stage_upload(store, sample_long_video, KIND)

    sequence = await publish_command(jetstream, command)
    assert await asyncio.to_thread(drawing.wait, HOLD_SECONDS)
    await publish_cancel(jetstream, command)
    info = await settled(jetstream, KIND, sequence)
    await asyncio.sleep(0.5)  # time for a stray late event to show

    events = await state_events(jetstream, command.job_id)
    assert [type(e) for e in events] == [JobStartedEvent]
    assert job_files(store, command) == []
    assert (info.num_ack_pending, info.num_redelivered) == (0, 0)
    assert await job_outcomes(worker) == {"cancelled": 1}


async def test_a_file_that_is_not_media_fails_once_without_retry(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, sample_not_media: Path
) -> None:
    command = stage_upload(LocalBlobStore(blob_root), sample_not_media, KIND)

    sequence = await publish_command(jetstream, command)
    events = await terminal_events(jetstream, command.job_id)
    info = await settled(jetstream, KIND, sequence)

    assert [type(e) for e in events] == [JobStartedEvent, JobFailedEvent]
    failed = events[-1]
    assert isinstance(failed, JobFailedEvent)
    assert failed.error.code is JobErrorCode.NOT_MEDIA
    assert failed.error.retriable is False
    assert "not a video" in failed.error.message
    assert info.delivered is not None
    assert info.delivered.consumer_seq == 1
    assert info.num_redelivered == 0
    assert await job_outcomes(worker) == {"failed": 1}


async def test_the_same_command_delivered_twice_is_reported_once(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, sample_video: Path
) -> None:
    command = stage_upload(LocalBlobStore(blob_root), sample_video, KIND)
    # A gateway retry with the same id is dropped by the stream itself...
    await publish_command(jetstream, command)
    duplicate = await publish_command(jetstream, command)
    # ...and one with another id (past the duplicate window) reaches the worker again.
    sequence = await publish_command(jetstream, command, msg_id=f"{command.event_id}:again")

    await settled(jetstream, KIND, sequence)

    assert duplicate < sequence
    events = await state_events(jetstream, command.job_id)
    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    assert await job_outcomes(worker) == {"completed": 2}


async def test_health_readiness_metrics_and_asyncapi_answer(worker: AsgiFastStream) -> None:
    health = await http_get(worker, "/healthz")
    ready = await http_get(worker, "/readyz")
    metrics = await http_get(worker, "/metrics")
    asyncapi = await http_get(worker, "/asyncapi")

    assert health.status_code == 200
    assert health.json() == {"status": "ok", "service": "metadata", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True, "blob_storage": True}
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'echo_jobs_total{kind="metadata",outcome="completed"} 0.0' in metrics.text
    assert "# TYPE echo_job_duration_seconds histogram" in metrics.text
    assert asyncapi.status_code == 200
    assert "Echo metadata worker" in asyncapi.text


async def test_not_ready_without_a_broker_or_blob_storage(tmp_path: Path) -> None:
    app = create_app(
        MetadataSettings(),
        BusSettings(nats_url="nats://127.0.0.1:1"),
        BlobSettings(blob_root=tmp_path / "missing"),
    )

    ready = await http_get(app, "/readyz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"] == {"nats": False, "blob_storage": False}


async def test_the_worker_process_stops_promptly_and_cleanly_on_sigterm(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "ECHO_NATS_URL": nats_server.url,
        "ECHO_BLOB_ROOT": str(blob_root),
        "ECHO_METADATA_PORT": "0",
    }
    log = tmp_path / "metadata.log"

    async with worker_process("services.metadata", env, log) as process:
        while "Application startup complete" not in log.read_text():
            assert process.returncode is None, log.read_text()
            await asyncio.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), STOP_SECONDS)

    output = log.read_text()
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
