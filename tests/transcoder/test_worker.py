"""The transcoder app in this process against a real nats-server: a command in, the
ladder and its events out; bad input; a duplicate delivery; health and metrics.

What the result says of each output, for sources with and without audio or video,
is in `test_outputs.py`."""

from pathlib import Path

import pytest
from faststream.asgi import AsgiFastStream
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.events import JobCompletedEvent, JobFailedEvent, JobStartedEvent, TranscodeResult
from contracts.outputs import OutputStatus
from services.common.blobs import LocalBlobStore
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.transcoder.app import create_app
from tests.support.ladder import check_stored_ladder
from tests.support.media import decode_fully, make_faststart, make_truncated
from tests.support.workers import (
    http_get,
    job_outcomes,
    publish_command,
    recorded_progress,
    settled,
    state_events,
    terminal_events,
)
from tests.transcoder.support import partial_files, upload, worker_settings

KIND = JobKind.TRANSCODE


async def test_a_command_is_transcoded_and_reported_started_progress_completed(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    blob_root: Path,
    sample_long_video: Path,
) -> None:
    store = LocalBlobStore(blob_root)
    command = upload(store, sample_long_video)

    async with recorded_progress(nats_client) as progress:
        sequence = await publish_command(jetstream, command)
        events = await terminal_events(jetstream, command.job_id)
        info = await settled(jetstream, KIND, sequence)

    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    assert all(e.attempt == 1 and e.delivery == 1 and e.kind is KIND for e in events)
    percents = [p.progress for p in progress if p.job_id == command.job_id]
    assert len(percents) >= 2
    assert percents == sorted(percents)
    completed = events[-1]
    assert isinstance(completed, JobCompletedEvent)
    result = completed.result
    assert isinstance(result, TranscodeResult)
    # The download (the 360p rung and the audio) decodes to the source's duration.
    rendition = result.renditions[0]
    output = store.path(rendition.file.key)
    decoded = decode_fully(output)
    assert abs(decoded.duration_seconds - 20.0) < 0.1
    assert (decoded.width, decoded.height) == (640, 360)
    assert rendition.file.size_bytes == output.stat().st_size
    # The ladder is in place, named by the result, and its playlists parse.
    assert result.master_playlist is not None
    master = store.path(result.master_playlist.key)
    check_stored_ladder(master.parent)
    ready = {o.name for o in result.outputs if o.status is OutputStatus.READY}
    assert ready == {"360p", "240p", "audio", "download"}
    # Phases in order; the kit publishes the latest report per interval, so a phase
    # shorter than that (probing, packaging) may go unseen.
    order = [JobPhase.PROBING, JobPhase.TRANSCODING, JobPhase.PACKAGING]
    phases = [order.index(p.phase) for p in progress if p.job_id == command.job_id and p.phase]
    assert phases == sorted(phases)
    assert order.index(JobPhase.TRANSCODING) in phases
    assert info.num_redelivered == 0
    assert partial_files(blob_root) == []
    assert await job_outcomes(worker) == {"completed": 1}


@pytest.mark.parametrize("damage", ["not_media", "truncated"])
async def test_bad_input_fails_once_without_retry(
    worker: AsgiFastStream,
    jetstream: JetStreamContext,
    blob_root: Path,
    sample_not_media: Path,
    sample_video: Path,
    tmp_path: Path,
    damage: str,
) -> None:
    if damage == "not_media":
        source, code = sample_not_media, JobErrorCode.NOT_MEDIA
    else:
        complete = make_faststart(sample_video, tmp_path / "faststart.mp4")
        source, code = make_truncated(complete, tmp_path / "cut.mp4"), JobErrorCode.DAMAGED_MEDIA
    command = upload(LocalBlobStore(blob_root), source)

    sequence = await publish_command(jetstream, command)
    events = await terminal_events(jetstream, command.job_id)
    info = await settled(jetstream, KIND, sequence)

    assert [type(e) for e in events] == [JobStartedEvent, JobFailedEvent]
    failed = events[-1]
    assert isinstance(failed, JobFailedEvent)
    assert failed.error.code is code
    assert not failed.error.retriable
    assert info.delivered is not None
    assert info.delivered.stream_seq == sequence
    assert info.num_redelivered == 0
    assert partial_files(blob_root) == []
    assert await job_outcomes(worker) == {"failed": 1}


async def test_the_same_command_delivered_twice_is_reported_once(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, sample_video: Path
) -> None:
    store = LocalBlobStore(blob_root)
    command = upload(store, sample_video)
    await publish_command(jetstream, command, msg_id=f"{command.event_id}:first")
    second = await publish_command(jetstream, command, msg_id=f"{command.event_id}:replayed")

    await settled(jetstream, KIND, second)

    events = await state_events(jetstream, command.job_id)
    assert [type(e) for e in events] == [JobStartedEvent, JobCompletedEvent]
    # One ladder: the second run replaced the first's folder whole.
    (ladder,) = blob_root.rglob("transcode/*")
    assert ladder.name == "hls"
    assert decode_fully(ladder / "download.mp4").video_frames == 50
    assert partial_files(blob_root) == []
    assert await job_outcomes(worker) == {"completed": 2}


async def test_health_readiness_metrics_and_asyncapi(
    worker: AsgiFastStream, jetstream: JetStreamContext, blob_root: Path, sample_video: Path
) -> None:
    command = upload(LocalBlobStore(blob_root), sample_video)
    await settled(jetstream, KIND, await publish_command(jetstream, command))

    live = await http_get(worker, "/healthz")
    ready = await http_get(worker, "/readyz")
    metrics = (await http_get(worker, "/metrics")).text
    asyncapi = await http_get(worker, "/asyncapi")

    assert live.status_code == 200
    assert live.json() == {"status": "ok", "service": "transcoder", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True, "blob_storage": True}
    assert 'echo_jobs_total{kind="transcode",outcome="completed"} 1.0' in metrics
    assert 'echo_job_duration_seconds_count{kind="transcode",outcome="completed"} 1.0' in metrics
    assert "echo_transcoder_frames_encoded_total 50.0" in metrics
    assert asyncapi.status_code == 200
    assert "Echo transcode worker" in asyncapi.text


async def test_not_ready_without_blob_storage(
    jetstream: JetStreamContext, nats_server: NatsServer, tmp_path: Path
) -> None:
    app = create_app(
        worker_settings(),
        BusSettings(nats_url=nats_server.url),
        BlobSettings(blob_root=tmp_path / "not-mounted"),
    )

    ready = await http_get(app, "/readyz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"] == {"nats": False, "blob_storage": False}
