"""The transcode pipeline on synthetic sources with known properties, checked by decoding."""

import hashlib
import threading
from pathlib import Path

import av
import pytest
from av.container import OutputContainer

from contracts.enums import JobErrorCode, JobKind, JobPhase, RenditionKind
from contracts.events import TranscodeResult
from contracts.media import Rendition
from services.common.blobs import LocalBlobStore, output_key
from services.common.media import MediaError, MediaLimits
from services.common.worker import JobCancelledError
from services.transcoder.encoding import EncodeOptions
from services.transcoder.pipeline import transcode
from services.transcoder.progress import ProgressMeter
from tests.support.media import (
    MediaSpec,
    VideoSource,
    audio_layout,
    decode_fully,
    first_frame,
    frame_times,
    make_faststart,
    make_media,
    make_truncated,
    write_source,
)
from tests.transcoder.support import Reports, job_context, partial_files, upload

OPTIONS = EncodeOptions(preset="ultrafast")


@pytest.fixture
def store(blob_root: Path) -> LocalBlobStore:
    return LocalBlobStore(blob_root)


def run(
    store: LocalBlobStore,
    source: Path,
    *,
    reports: Reports | None = None,
    options: EncodeOptions = OPTIONS,
    limits: MediaLimits | None = None,
) -> Rendition:
    event = upload(store, source)
    result = transcode(job_context(store, event, reports=reports, limits=limits), options)
    assert isinstance(result, TranscodeResult)
    assert len(result.renditions) == 1
    return result.renditions[0]


def failure(store: LocalBlobStore, source: Path) -> MediaError:
    event = upload(store, source)
    with pytest.raises(MediaError) as caught:
        transcode(job_context(store, event), OPTIONS)
    assert caught.value.error.message
    assert not caught.value.error.retriable
    assert list(store.root.rglob("transcode/*")) == []
    return caught.value


def test_plain_video_becomes_an_h264_aac_mp4_of_the_same_length(
    store: LocalBlobStore, sample_video: Path
) -> None:
    reports = Reports()
    rendition = run(store, sample_video, reports=reports)

    output = store.path(rendition.file.key)
    decoded = decode_fully(output)
    assert rendition.name == "mp4-240p"
    assert rendition.kind is RenditionKind.VIDEO
    assert rendition.file.key.endswith("/transcode/mp4-240p.mp4")
    assert (decoded.width, decoded.height) == (320, 240) == (rendition.width, rendition.height)
    assert decoded.video_codec == "h264"
    assert decoded.audio_codec == "aac"
    assert decoded.video_frames == 50
    assert abs(decoded.duration_seconds - 2.0) < 0.1
    assert abs(rendition.duration_seconds - 2.0) < 0.1
    assert rendition.file.size_bytes == output.stat().st_size
    assert rendition.file.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert rendition.file.content_type == "video/mp4"
    assert audio_layout(output) == ("stereo", 48_000)
    assert first_frame(output).format.name == "yuv420p"
    assert partial_files(store.root) == []
    percents = [percent for percent, _ in reports.items]
    assert percents[0] == 0
    assert percents == sorted(percents)
    assert 0 < percents[-1] <= 100
    assert reports.phases == [JobPhase.PROBING, JobPhase.TRANSCODING, JobPhase.PACKAGING]


def test_output_is_fast_start(store: LocalBlobStore, sample_video: Path) -> None:
    rendition = run(store, sample_video)

    head = store.path(rendition.file.key).read_bytes()
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_large_video_is_capped_at_720p_keeping_its_aspect(
    store: LocalBlobStore, media_dir: Path
) -> None:
    source = make_media(
        media_dir / "1080p.mp4", MediaSpec(duration_seconds=0.6, width=1920, height=1080)
    )
    rendition = run(store, source)

    decoded = decode_fully(store.path(rendition.file.key))
    assert rendition.name == "mp4-720p"
    assert (decoded.width, decoded.height) == (1280, 720)
    assert abs(decoded.duration_seconds - 0.6) < 0.1


def test_rotated_phone_video_is_turned_upright(store: LocalBlobStore, tmp_path: Path) -> None:
    # Stored landscape with rotation -90, as phones record portrait: shown 720x1280.
    source = write_source(
        tmp_path / "portrait.mp4",
        VideoSource(
            width=1280,
            height=720,
            frame_times=(0.0, 0.04, 0.08),
            rotation=-90,
            top_stripe=True,
            audio_layout=None,
        ),
    )
    rendition = run(store, source)

    output = store.path(rendition.file.key)
    picture = first_frame(output)
    assert rendition.name == "mp4-720p"
    assert (picture.width, picture.height) == (720, 1280) == (rendition.width, rendition.height)
    assert picture.rotation == 0
    # Turning clockwise puts the stored top edge on the right.
    luma = picture.reformat(format="gray").to_ndarray()
    assert luma[:, -40:].mean() > 200
    assert luma[:, :40].mean() < 40


def test_portrait_picture_keeps_its_shape(store: LocalBlobStore, media_dir: Path) -> None:
    source = make_media(
        media_dir / "portrait-coded.mp4", MediaSpec(duration_seconds=0.4, width=1080, height=1920)
    )
    rendition = run(store, source)

    assert (rendition.width, rendition.height) == (720, 1280)
    assert rendition.name == "mp4-720p"


def test_odd_sized_video_gets_even_sides(store: LocalBlobStore, tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "odd.mp4",
        VideoSource(width=321, height=241, pix_fmt="yuv444p", frame_times=(0.0, 0.04)),
    )
    rendition = run(store, source)

    decoded = decode_fully(store.path(rendition.file.key))
    assert (decoded.width, decoded.height) == (320, 240)
    assert first_frame(store.path(rendition.file.key)).format.name == "yuv420p"


@pytest.mark.parametrize("pix_fmt", ["yuv420p10le", "yuv422p"])
def test_other_pixel_formats_become_yuv420p(
    store: LocalBlobStore, tmp_path: Path, pix_fmt: str
) -> None:
    source = write_source(tmp_path / f"{pix_fmt}.mp4", VideoSource(pix_fmt=pix_fmt))
    rendition = run(store, source)

    output = store.path(rendition.file.key)
    assert first_frame(output).format.name == "yuv420p"
    assert abs(decode_fully(output).duration_seconds - 2.0) < 0.1


def test_variable_frame_rate_keeps_every_timestamp(store: LocalBlobStore, tmp_path: Path) -> None:
    times = (0.0, 0.04, 0.06, 0.3, 0.31, 0.9, 1.0, 1.5, 2.7)
    source = write_source(
        tmp_path / "vfr.mkv",
        VideoSource(frame_times=times, last_frame_seconds=0.5, container_format="matroska"),
    )
    rendition = run(store, source)

    output = store.path(rendition.file.key)
    assert frame_times(output) == pytest.approx(list(times), abs=0.002)
    assert abs(decode_fully(output).duration_seconds - 3.2) < 0.1


def test_start_time_far_from_zero_is_shifted_to_zero(store: LocalBlobStore, tmp_path: Path) -> None:
    times = tuple(100 + index / 25 for index in range(25))
    source = write_source(
        tmp_path / "late.ts",
        VideoSource(frame_times=times, container_format="mpegts"),
    )
    assert frame_times(source)[0] >= 100
    rendition = run(store, source)

    output = store.path(rendition.file.key)
    decoded = decode_fully(output)
    # Audio leads the video by the AAC encoder delay; together they start at 0.
    assert frame_times(output)[0] < 0.05
    assert abs(decoded.duration_seconds - 1.0) < 0.1
    assert decoded.audio_codec == "aac"


def test_interlaced_video_is_deinterlaced(store: LocalBlobStore, tmp_path: Path) -> None:
    source = write_source(tmp_path / "interlaced.mp4", VideoSource(interlaced=True))
    assert first_frame(source).interlaced_frame
    rendition = run(store, source)

    output = store.path(rendition.file.key)
    assert not first_frame(output).interlaced_frame
    decoded = decode_fully(output)
    assert decoded.video_frames == 50
    assert abs(decoded.duration_seconds - 2.0) < 0.1


def test_surround_audio_is_downmixed_to_stereo(store: LocalBlobStore, tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "surround.mp4", VideoSource(audio_layout="5.1", audio_rate=48_000)
    )
    rendition = run(store, source)

    assert audio_layout(store.path(rendition.file.key)) == ("stereo", 48_000)


def test_audio_only_becomes_an_m4a(store: LocalBlobStore, sample_audio_only: Path) -> None:
    rendition = run(store, sample_audio_only)

    output = store.path(rendition.file.key)
    decoded = decode_fully(output)
    assert rendition.name == "m4a-audio"
    assert rendition.kind is RenditionKind.AUDIO_ONLY
    assert rendition.container == "m4a"
    assert rendition.file.key.endswith("/transcode/m4a-audio.m4a")
    assert rendition.file.content_type == "audio/mp4"
    assert rendition.video_codec is None
    assert (rendition.width, rendition.height) == (None, None)
    assert decoded.video_frames == 0
    assert decoded.audio_codec == "aac"
    assert abs(decoded.duration_seconds - 2.0) < 0.1


def test_video_without_audio_has_no_audio_track(
    store: LocalBlobStore, sample_silent_video: Path
) -> None:
    rendition = run(store, sample_silent_video)

    decoded = decode_fully(store.path(rendition.file.key))
    assert decoded.audio_codec is None
    assert rendition.audio_codec is None
    assert decoded.video_frames == 50
    assert abs(decoded.duration_seconds - 2.0) < 0.1


@pytest.mark.parametrize("container", ["mp4", "matroska"])
def test_truncated_file_is_damaged(
    store: LocalBlobStore, tmp_path: Path, sample_video: Path, container: str
) -> None:
    if container == "mp4":
        # Index first, as phones and web tools write MP4s: the header survives the cut.
        complete = make_faststart(sample_video, tmp_path / "faststart.mp4")
    else:
        complete = write_source(tmp_path / "whole.mkv", VideoSource(container_format=container))
    truncated = make_truncated(complete, tmp_path / "cut")

    error = failure(store, truncated)

    assert error.error.code is JobErrorCode.DAMAGED_MEDIA
    assert "truncated" in error.error.message
    assert partial_files(store.root) == []


def test_truncated_file_without_its_index_is_refused(
    store: LocalBlobStore, sample_truncated: Path
) -> None:
    # The index of a plain MP4 is at its end, so half a file is not recognisable as
    # media at all; `open_untrusted` reports it as such.
    error = failure(store, sample_truncated)

    assert error.error.code in (JobErrorCode.NOT_MEDIA, JobErrorCode.DAMAGED_MEDIA)


def test_not_media_is_refused(store: LocalBlobStore, sample_not_media: Path) -> None:
    assert failure(store, sample_not_media).error.code is JobErrorCode.NOT_MEDIA


def test_empty_file_is_refused(store: LocalBlobStore, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()

    assert failure(store, empty).error.code is JobErrorCode.NOT_MEDIA


def test_missing_source_is_reported(store: LocalBlobStore, sample_video: Path) -> None:
    event = upload(store, sample_video)
    store.path(event.source.key).unlink()

    with pytest.raises(MediaError) as caught:
        transcode(job_context(store, event), OPTIONS)

    assert caught.value.error.code is JobErrorCode.SOURCE_MISSING


def test_duration_over_the_limit_is_refused(store: LocalBlobStore, sample_video: Path) -> None:
    event = upload(store, sample_video)

    with pytest.raises(MediaError) as caught:
        transcode(job_context(store, event, limits=MediaLimits(max_duration_seconds=1)), OPTIONS)

    assert caught.value.error.code is JobErrorCode.LIMIT_EXCEEDED


def test_cancelled_job_stops_and_leaves_nothing(store: LocalBlobStore, sample_video: Path) -> None:
    event = upload(store, sample_video)
    cancelled = threading.Event()
    cancelled.set()

    with pytest.raises(JobCancelledError):
        transcode(job_context(store, event, cancelled=cancelled), OPTIONS)

    assert partial_files(store.root) == []
    key = output_key(event.owner_id, event.video_id, JobKind.TRANSCODE, "mp4-240p.mp4")
    assert not store.exists(key)


def test_second_attempt_reuses_the_finished_output(
    store: LocalBlobStore, sample_video: Path
) -> None:
    event = upload(store, sample_video)
    first = transcode(job_context(store, event), OPTIONS)
    frames: list[int] = []

    second = transcode(job_context(store, event), OPTIONS, on_frames=frames.append)

    assert second == first
    assert sum(frames) == 0


def test_unreadable_output_of_an_earlier_attempt_is_replaced(
    store: LocalBlobStore, sample_video: Path
) -> None:
    event = upload(store, sample_video)
    key = output_key(event.owner_id, event.video_id, JobKind.TRANSCODE, "mp4-240p.mp4")
    store.path(key).parent.mkdir(parents=True)
    store.path(key).write_bytes(b"not a video")

    result = transcode(job_context(store, event), OPTIONS)

    assert result.renditions[0].file.key == key
    assert decode_fully(store.path(key)).video_frames == 50


def test_partial_output_of_a_killed_attempt_is_removed(
    store: LocalBlobStore, sample_video: Path
) -> None:
    event = upload(store, sample_video)
    key = output_key(event.owner_id, event.video_id, JobKind.TRANSCODE, "mp4-240p.mp4")
    abandoned = store.path(key).with_name(".mp4-240p.mp4.0123abcd.partial")
    abandoned.parent.mkdir(parents=True)
    abandoned.write_bytes(b"half an mp4")

    transcode(job_context(store, event), OPTIONS)

    assert partial_files(store.root) == []
    assert store.exists(key)


def test_progress_estimates_time_left_from_the_speed_so_far() -> None:
    now = [100.0]
    items: list[tuple[float, float | None]] = []
    meter = ProgressMeter(
        lambda percent, eta: items.append((percent, eta)), duration=60.0, clock=lambda: now[0]
    )

    meter.update(0, force=True)
    now[0] += 0.5
    meter.update(3)  # 5 % in half a second: too early to estimate
    now[0] += 0.05
    meter.update(4)  # within the reporting interval: skipped
    now[0] += 1.45
    meter.update(12)  # 20 % in 2 s: 8 s left

    assert items == [
        (0.0, None),
        (pytest.approx(4.95), None),
        (pytest.approx(19.8), pytest.approx(8.0)),
    ]


def test_progress_without_a_known_duration_reports_nothing() -> None:
    items: list[tuple[float, float | None]] = []

    ProgressMeter(lambda percent, eta: items.append((percent, eta)), duration=None).update(
        5, force=True
    )

    assert items == []


def test_codec_outside_the_whitelist_is_refused(store: LocalBlobStore, tmp_path: Path) -> None:
    source = tmp_path / "lossless.mkv"
    with av.open(str(source), mode="w") as container:
        assert isinstance(container, OutputContainer)
        stream = container.add_stream("ffv1", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        container.mux(stream.encode(av.VideoFrame(64, 64, "yuv420p")))
        container.mux(stream.encode(None))

    error = failure(store, source)

    assert error.error.code is JobErrorCode.UNSUPPORTED_CODEC
    assert "ffv1" in error.error.message
