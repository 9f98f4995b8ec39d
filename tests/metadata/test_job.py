"""The job function on its own: result, stored posters and storyboard, progress and phases,
reruns, audio-only and still uploads, cancellation."""

import hashlib
import threading
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.events import MetadataResult
from contracts.media import BlobRef, InputNoticeCode
from services.common.blobs import LocalBlobStore
from services.common.media import MediaError, MediaLimits
from services.common.worker import JobCancelledError, JobContext
from services.metadata.job import extract_metadata, job_key
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings
from tests.support.media import check_storyboard, decode_fully, make_still_image
from tests.support.workers import Reports, job_context, job_files, stage_upload

PICTURES = ["poster-320.jpg", "poster.jpg", "storyboard.jpg", "storyboard.vtt"]


def context_of(
    source: Path, blob_root: Path, reports: Reports | None = None, *, cancelled: bool = False
) -> JobContext:
    store = LocalBlobStore(blob_root)
    flag = threading.Event()
    if cancelled:
        flag.set()
    command = stage_upload(store, source, JobKind.METADATA)
    return job_context(store, command, reports=reports, cancelled=flag)


def assert_stored(context: JobContext, ref: BlobRef, name: str, content_type: str) -> Path:
    """`ref` describes the file stored as the job's output `name`; returns its path."""
    path = context.store.path(ref.key)
    data = path.read_bytes()
    assert ref == BlobRef(
        key=job_key(context, name),
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
    )
    return path


def check_pictures(context: JobContext, result: MetadataResult) -> None:
    """Both posters and the storyboard are stored, described and consistent."""
    large, small = result.posters
    assert result.poster == large.file
    for image, name in ((large, "poster.jpg"), (small, "poster-320.jpg")):
        picture = decode_fully(assert_stored(context, image.file, name, "image/jpeg"))
        assert (picture.video_codec, picture.video_frames) == ("mjpeg", 1)
        assert (picture.width, picture.height) == (image.width, image.height)
    board = result.storyboard
    assert board is not None
    sprite = assert_stored(context, board.sprite, "storyboard.jpg", "image/jpeg")
    vtt = assert_stored(context, board.vtt, "storyboard.vtt", "text/vtt")
    video = result.probe.video
    assert video is not None
    assert video.duration_seconds is not None
    cues = check_storyboard(vtt, sprite, duration=video.duration_seconds)
    assert len(cues) == board.count
    assert {cue.rect[2:] for cue in cues} == {(board.tile_width, board.tile_height)}
    assert [path.name for path in job_files(context.store, context.command)] == PICTURES


def test_result_holds_the_probe_both_posters_and_the_storyboard(
    sample_video: Path, blob_root: Path
) -> None:
    reports = Reports()
    context = context_of(sample_video, blob_root, reports)

    result = extract_metadata(context, MetadataSettings())

    assert result.probe == probe_media(sample_video, MediaLimits())
    check_pictures(context, result)
    # 320x240: the large poster is not enlarged past the source.
    assert [(p.width, p.height) for p in result.posters] == [(320, 240), (320, 240)]
    percents = [percent for percent, _ in reports.items]
    assert percents[:2] == [0.0, 10.0]
    assert percents[-1] == 100.0
    assert percents == sorted(percents)
    assert reports.phases == [JobPhase.PROBING, JobPhase.EXTRACTING]


def test_pictures_follow_the_settings(sample_long_video: Path, blob_root: Path) -> None:
    context = context_of(sample_long_video, blob_root)
    settings = MetadataSettings(
        poster_max_width=480, poster_small_width=160, storyboard_tile_size=96, storyboard_columns=4
    )

    result = extract_metadata(context, settings)

    assert [(p.width, p.height) for p in result.posters] == [(480, 270), (160, 90)]
    assert result.posters[1].file.key == job_key(context, "poster-160.jpg")
    board = result.storyboard
    assert board is not None
    assert (board.tile_width, board.tile_height, board.columns) == (96, 54, 4)
    assert (board.count, board.interval_seconds) == (10, 2.0)


def test_running_again_gives_the_same_result(sample_video: Path, blob_root: Path) -> None:
    context = context_of(sample_video, blob_root)

    first = extract_metadata(context, MetadataSettings())
    second = extract_metadata(context, MetadataSettings())

    assert first == second


def test_audio_only_completes_without_pictures_and_says_so(
    sample_audio_only: Path, blob_root: Path
) -> None:
    reports = Reports()
    context = context_of(sample_audio_only, blob_root, reports)

    result = extract_metadata(context, MetadataSettings())

    assert result.probe.video is None
    assert (result.poster, result.posters, result.storyboard) == (None, [], None)
    assert InputNoticeCode.AUDIO_ONLY in {notice.code for notice in result.probe.notices}
    assert job_files(context.store, context.command) == []
    assert reports.phases == [JobPhase.PROBING]


def test_bad_input_fails_and_writes_nothing(sample_not_media: Path, blob_root: Path) -> None:
    context = context_of(sample_not_media, blob_root)

    with pytest.raises(MediaError) as raised:
        extract_metadata(context, MetadataSettings())

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert job_files(context.store, context.command) == []


def test_a_still_image_is_refused_as_one(tmp_path: Path, blob_root: Path) -> None:
    context = context_of(make_still_image(tmp_path / "still.png"), blob_root)

    with pytest.raises(MediaError) as raised:
        extract_metadata(context, MetadataSettings())

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert raised.value.error.retriable is False
    assert "still image (PNG)" in raised.value.error.message
    assert job_files(context.store, context.command) == []


def test_a_cancelled_job_stops_before_work(sample_video: Path, blob_root: Path) -> None:
    context = context_of(sample_video, blob_root, cancelled=True)

    with pytest.raises(JobCancelledError):
        extract_metadata(context, MetadataSettings())

    assert job_files(context.store, context.command) == []


def test_a_job_cancelled_while_drawing_stops_and_leaves_nothing(
    sample_long_video: Path, blob_root: Path
) -> None:
    reports = Reports()
    context = context_of(sample_long_video, blob_root, reports)

    def cancel_once_drawing(percent: float, eta: float | None, phase: JobPhase | None) -> None:
        reports(percent, eta, phase)
        if len(reports.items) == 5:
            context.cancelled.set()

    context = JobContext(
        command=context.command,
        store=context.store,
        limits=context.limits,
        cancelled=context.cancelled,
        reporter=cancel_once_drawing,
    )

    with pytest.raises(JobCancelledError):
        extract_metadata(context, MetadataSettings())

    assert reports.phases == [JobPhase.PROBING, JobPhase.EXTRACTING]
    assert len(reports.items) == 5
    assert job_files(context.store, context.command) == []
