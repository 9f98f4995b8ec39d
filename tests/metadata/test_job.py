"""The job function on its own: result, stored poster, progress and phases, reruns,
cancellation."""

import hashlib
import threading
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.media import BlobRef
from services.common.blobs import LocalBlobStore
from services.common.media import MediaError, MediaLimits
from services.common.worker import JobCancelledError, JobContext
from services.metadata.job import extract_metadata, poster_key
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings
from tests.support.media import decode_fully
from tests.support.workers import Reports, job_context, stage_upload


def context_of(
    source: Path, blob_root: Path, reports: Reports | None = None, *, cancelled: bool = False
) -> JobContext:
    store = LocalBlobStore(blob_root)
    flag = threading.Event()
    if cancelled:
        flag.set()
    command = stage_upload(store, source, JobKind.METADATA)
    return job_context(store, command, reports=reports, cancelled=flag)


def test_result_holds_the_probe_and_a_stored_poster(sample_video: Path, blob_root: Path) -> None:
    reports = Reports()
    context = context_of(sample_video, blob_root, reports)

    result = extract_metadata(context, MetadataSettings())

    assert result.probe == probe_media(sample_video, MediaLimits())
    stored = context.store.path(poster_key(context))
    data = stored.read_bytes()
    assert result.poster == BlobRef(
        key=poster_key(context),
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="image/jpeg",
    )
    picture = decode_fully(stored)
    assert (picture.video_codec, picture.video_frames) == ("mjpeg", 1)
    assert (picture.width, picture.height) == (320, 240)
    assert [percent for percent, _ in reports.items] == [0.0, 50.0, 100.0]
    assert reports.phases == [JobPhase.PROBING, JobPhase.EXTRACTING]
    assert not list(stored.parent.glob(".*partial"))


def test_running_again_gives_the_same_result(sample_video: Path, blob_root: Path) -> None:
    context = context_of(sample_video, blob_root)

    first = extract_metadata(context, MetadataSettings())
    second = extract_metadata(context, MetadataSettings())

    assert first == second


def test_audio_only_completes_without_a_poster(sample_audio_only: Path, blob_root: Path) -> None:
    reports = Reports()
    context = context_of(sample_audio_only, blob_root, reports)

    result = extract_metadata(context, MetadataSettings())

    assert result.poster is None
    assert result.probe.video is None
    assert not context.store.exists(poster_key(context))
    assert reports.phases == [JobPhase.PROBING]


def test_bad_input_fails_and_writes_nothing(sample_not_media: Path, blob_root: Path) -> None:
    context = context_of(sample_not_media, blob_root)

    with pytest.raises(MediaError) as raised:
        extract_metadata(context, MetadataSettings())

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert not context.store.path(poster_key(context)).parent.exists()


def test_a_cancelled_job_stops_before_work(sample_video: Path, blob_root: Path) -> None:
    context = context_of(sample_video, blob_root, cancelled=True)

    with pytest.raises(JobCancelledError):
        extract_metadata(context, MetadataSettings())

    assert not context.store.exists(poster_key(context))
