"""The job function on its own: result, stored poster, progress, reruns, cancellation."""

import hashlib
import shutil
import threading
import uuid
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode, JobKind
from contracts.events import JobRef, VideoUploadedEvent
from contracts.media import BlobRef
from services.common.blobs import LocalBlobStore, output_key, source_key
from services.common.media import MediaError, MediaLimits
from services.common.worker import JobCancelledError, JobContext
from services.metadata.job import extract_metadata
from services.metadata.metrics import MetadataMetrics
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings
from tests.metadata.test_poster import decode_jpeg


class Progress:
    """Records what the job reports."""

    def __init__(self) -> None:
        self.percents: list[float] = []

    def __call__(self, percent: float, eta_seconds: float | None) -> None:
        self.percents.append(percent)


def job_context(
    source: Path, blob_root: Path, progress: Progress | None = None, *, cancelled: bool = False
) -> JobContext:
    owner_id, video_id = uuid.uuid4(), uuid.uuid4()
    store = LocalBlobStore(blob_root)
    key = source_key(owner_id, video_id)
    store.path(key).parent.mkdir(parents=True)
    shutil.copyfile(source, store.path(key))
    job = JobRef(job_id=uuid.uuid4(), kind=JobKind.METADATA)
    event = VideoUploadedEvent(
        video_id=video_id,
        owner_id=owner_id,
        source=store.ref(key),
        original_filename=source.name,
        jobs=[job],
    )
    flag = threading.Event()
    if cancelled:
        flag.set()
    return JobContext(
        event=event,
        job=job,
        attempt=1,
        source_path=store.path(key),
        store=store,
        limits=MediaLimits(),
        cancelled=flag,
        _report=progress or Progress(),
    )


def poster_key(context: JobContext) -> str:
    return output_key(context.event.owner_id, context.event.video_id, "metadata", "poster.jpg")


def test_result_holds_the_probe_and_a_stored_poster(sample_video: Path, blob_root: Path) -> None:
    progress = Progress()
    context = job_context(sample_video, blob_root, progress)
    metrics = MetadataMetrics()

    result = extract_metadata(context, MetadataSettings(), metrics)

    assert result.probe == probe_media(sample_video, MediaLimits())
    assert result.poster is not None
    stored = context.store.path(poster_key(context)).read_bytes()
    assert result.poster == BlobRef(
        key=poster_key(context),
        size_bytes=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        content_type="image/jpeg",
    )
    assert decode_jpeg(stored).shape == (240, 320, 3)
    assert progress.percents == [50.0, 100.0]
    assert not list(context.store.path(poster_key(context)).parent.glob(".*partial"))
    assert metrics.registry.get_sample_value("echo_metadata_probe_seconds_count") == 1
    assert metrics.registry.get_sample_value("echo_metadata_poster_seconds_count") == 1


def test_running_again_gives_the_same_result(sample_video: Path, blob_root: Path) -> None:
    context = job_context(sample_video, blob_root)
    metrics = MetadataMetrics()

    first = extract_metadata(context, MetadataSettings(), metrics)
    second = extract_metadata(context, MetadataSettings(), metrics)

    assert first == second


def test_audio_only_completes_without_a_poster(sample_audio_only: Path, blob_root: Path) -> None:
    context = job_context(sample_audio_only, blob_root)

    result = extract_metadata(context, MetadataSettings(), MetadataMetrics())

    assert result.poster is None
    assert result.probe.video is None
    assert not context.store.exists(poster_key(context))


def test_bad_input_fails_and_writes_nothing(sample_not_media: Path, blob_root: Path) -> None:
    context = job_context(sample_not_media, blob_root)

    with pytest.raises(MediaError) as raised:
        extract_metadata(context, MetadataSettings(), MetadataMetrics())

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert not context.store.path(poster_key(context)).parent.exists()


def test_a_cancelled_job_stops_before_work(sample_video: Path, blob_root: Path) -> None:
    context = job_context(sample_video, blob_root, cancelled=True)

    with pytest.raises(JobCancelledError):
        extract_metadata(context, MetadataSettings(), MetadataMetrics())

    assert not context.store.exists(poster_key(context))
