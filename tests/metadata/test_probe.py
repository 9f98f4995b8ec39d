"""Probing synthetic media whose every property is known, and refusing what is not media
(still images included); naming what is non-standard about an upload."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode
from contracts.media import FieldOrder, HdrFormat, InputNoticeCode, MediaProbe
from services.common.media import MediaError, MediaLimits
from services.metadata.notices import Notices
from services.metadata.probe import probe_media
from tests.metadata.samples import make_two_programme_ts, remux
from tests.support.media import VideoSource, make_still_image, write_source

LIMITS = MediaLimits()


def test_video_with_audio_is_described_as_generated(sample_video: Path) -> None:
    probe = probe_media(sample_video, LIMITS)

    assert probe.container_format == "mov,mp4,m4a,3gp,3g2,mj2"
    assert probe.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert probe.size_bytes == sample_video.stat().st_size
    assert probe.bit_rate is not None
    assert probe.bit_rate > 0
    assert probe.stream_count == 2
    video = probe.video
    assert video is not None
    assert (video.codec, video.width, video.height) == ("h264", 320, 240)
    assert (video.display_width, video.display_height, video.rotation) == (320, 240, 0)
    assert video.frame_rate == pytest.approx(25.0)
    assert video.pixel_format == "yuv420p"
    assert video.profile
    assert video.duration_seconds == pytest.approx(2.0, abs=0.05)
    audio = probe.audio
    assert audio is not None
    assert (audio.codec, audio.channels, audio.sample_rate) == ("aac", 2, 44100)
    assert audio.channel_layout == "stereo"
    assert audio.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert audio.language is None  # the muxer writes "und": no information


def test_audio_only_file_has_no_video(sample_audio_only: Path) -> None:
    probe = probe_media(sample_audio_only, LIMITS)

    assert probe.video is None
    assert probe.audio is not None
    assert (probe.audio.codec, probe.audio.channels, probe.audio.sample_rate) == ("aac", 2, 44100)
    assert probe.duration_seconds == pytest.approx(2.0, abs=0.05)


def test_silent_video_has_no_audio(sample_silent_video: Path) -> None:
    probe = probe_media(sample_silent_video, LIMITS)

    assert probe.audio is None
    assert probe.video is not None
    assert (probe.video.width, probe.video.height) == (320, 240)
    assert probe.stream_count == 1


def test_durations_are_lengths_even_when_timestamps_start_far_from_zero(
    far_start_ts: Path,
) -> None:
    probe = probe_media(far_start_ts, LIMITS)

    assert probe.container_format == "mpegts"
    assert probe.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert probe.video is not None
    assert probe.video.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert probe.audio is not None
    assert probe.audio.duration_seconds == pytest.approx(2.0, abs=0.05)


def test_rotation_comes_from_the_first_frames_display_matrix(portrait_video: Path) -> None:
    probe = probe_media(portrait_video, LIMITS)

    assert probe.video is not None
    assert (probe.video.width, probe.video.height) == (320, 240)
    assert probe.video.rotation == -90
    assert (probe.video.display_width, probe.video.display_height) == (240, 320)


@pytest.mark.parametrize(
    ("fixture", "code", "words"),
    [
        ("sample_not_media", JobErrorCode.NOT_MEDIA, "not a video"),
        # Its index was at the end, in the half that is missing: it does not even open.
        ("sample_truncated", JobErrorCode.DAMAGED_MEDIA, "complete original file"),
        ("headers_only_video", JobErrorCode.NO_PLAYABLE_STREAM, "Not a single video frame"),
        ("zeroed_video", JobErrorCode.NO_PLAYABLE_STREAM, "Not a single video frame"),
    ],
)
def test_unusable_files_fail_with_a_typed_error_and_advice(
    request: pytest.FixtureRequest, fixture: str, code: JobErrorCode, words: str
) -> None:
    path: Path = request.getfixturevalue(fixture)

    with pytest.raises(MediaError) as raised:
        probe_media(path, LIMITS)

    assert raised.value.error.code is code
    assert words in raised.value.error.message
    assert raised.value.error.retriable is False


def test_an_empty_or_missing_file_is_reported_as_such(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")

    with pytest.raises(MediaError) as raised:
        probe_media(empty, LIMITS)
    assert raised.value.error.code is JobErrorCode.NOT_MEDIA

    with pytest.raises(MediaError) as raised:
        probe_media(tmp_path / "gone.mp4", LIMITS)
    assert raised.value.error.code is JobErrorCode.SOURCE_MISSING


@pytest.mark.parametrize(
    "limits",
    [MediaLimits(max_pixels=320 * 240 - 1), MediaLimits(max_duration_seconds=1.0)],
    ids=["pixels", "duration"],
)
def test_limits_are_enforced(sample_video: Path, limits: MediaLimits) -> None:
    with pytest.raises(MediaError) as raised:
        probe_media(sample_video, limits)

    assert raised.value.error.code is JobErrorCode.LIMIT_EXCEEDED


@pytest.mark.parametrize(
    ("ratio", "shown"), [(Fraction(4, 3), (427, 240)), (Fraction(1000, 1), (320, 240))]
)
def test_non_square_pixels_are_stretched_unless_absurd(
    sample_video: Path, tmp_path: Path, ratio: Fraction, shown: tuple[int, int]
) -> None:
    anamorphic = remux(sample_video, tmp_path / "anamorphic.mp4", sample_aspect_ratio=ratio)

    probe = probe_media(anamorphic, LIMITS)

    assert probe.video is not None
    assert (probe.video.width, probe.video.height) == (320, 240)
    assert (probe.video.display_width, probe.video.display_height) == shown


def test_the_rich_description_of_a_plain_video(sample_video: Path) -> None:
    probe = probe_media(sample_video, LIMITS)

    video = probe.video
    assert video is not None
    assert probe.video_streams == [video]
    assert (video.bit_depth, video.sample_aspect_ratio, video.display_aspect_ratio) == (
        8,
        "1:1",
        "4:3",
    )
    assert video.level is not None
    assert video.average_frame_rate == pytest.approx(25.0)
    assert video.nominal_frame_rate == pytest.approx(25.0)
    assert (video.variable_frame_rate, video.field_order, video.hdr) == (
        False,
        FieldOrder.PROGRESSIVE,
        None,
    )
    # make_media writes a keyframe every 25 frames: one a second.
    assert video.keyframe_interval_seconds == pytest.approx(1.0, abs=0.05)
    assert probe.audio is not None
    assert probe.audio_streams == [probe.audio]
    assert probe.audio.profile == "LC"
    assert probe.subtitle_streams == []
    assert probe.container_duration_seconds == pytest.approx(2.0, abs=0.05)
    assert probe.tags.encoder is not None
    assert probe.tags.encoder.startswith("Lavf")
    assert probe.notices == []


def codes(probe: MediaProbe) -> set[InputNoticeCode]:
    return {notice.code for notice in probe.notices}


def test_audio_only_is_stated_not_an_error(sample_audio_only: Path) -> None:
    probe = probe_media(sample_audio_only, LIMITS)

    assert probe.video is None
    assert probe.video_streams == []
    assert codes(probe) == {InputNoticeCode.AUDIO_ONLY}
    assert "no poster" in probe.notices[0].message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            VideoSource(frame_times=(0.0, 0.04, 0.08, 0.5, 0.54, 1.2, 1.24, 1.28, 2.0, 2.04)),
            {InputNoticeCode.VARIABLE_FRAME_RATE},
        ),
        (VideoSource(interlaced=True), {InputNoticeCode.INTERLACED}),
        (VideoSource(rotation=-90), {InputNoticeCode.ROTATED}),
        (VideoSource(sample_aspect_ratio=Fraction(4, 3)), {InputNoticeCode.NON_SQUARE_PIXELS}),
        (
            VideoSource(pix_fmt="yuv420p10le", colour=(9, 16, 9)),
            {InputNoticeCode.HIGH_BIT_DEPTH, InputNoticeCode.HDR},
        ),
        (VideoSource(pix_fmt="yuv444p"), {InputNoticeCode.UNUSUAL_PIXEL_FORMAT}),
        (
            VideoSource(
                frame_times=tuple(index / 5 for index in range(5 * 24)),
                declared_rate=5,
                x264_options={"g": "1000", "sc_threshold": "0"},
            ),
            {InputNoticeCode.LONG_KEYFRAME_INTERVAL},
        ),
    ],
    ids=["vfr", "interlaced", "rotated", "anamorphic", "hdr10", "yuv444p", "long-gop"],
)
def test_non_standard_input_is_named(
    tmp_path: Path, spec: VideoSource, expected: set[InputNoticeCode]
) -> None:
    probe = probe_media(write_source(tmp_path / "source.mp4", spec), LIMITS)

    assert codes(probe) == expected
    assert all(len(notice.message) > 30 for notice in probe.notices)


def test_hdr_and_interlacing_are_described(tmp_path: Path) -> None:
    hdr = probe_media(
        write_source(tmp_path / "hdr.mp4", VideoSource(pix_fmt="yuv420p10le", colour=(9, 16, 9))),
        LIMITS,
    ).video
    interlaced = probe_media(
        write_source(tmp_path / "tff.mp4", VideoSource(interlaced=True)), LIMITS
    ).video

    assert hdr is not None
    assert (hdr.bit_depth, hdr.hdr, hdr.color_primaries, hdr.color_transfer, hdr.color_matrix) == (
        10,
        HdrFormat.PQ,
        "bt2020",
        "smpte2084",
        "bt2020nc",
    )
    assert interlaced is not None
    assert interlaced.field_order is FieldOrder.TOP_FIRST


@pytest.mark.parametrize("codec", ["png", "mjpeg"])
def test_a_still_image_is_refused_as_such(tmp_path: Path, codec: str) -> None:
    image = make_still_image(tmp_path / "holiday.mp4", codec)

    with pytest.raises(MediaError) as raised:
        probe_media(image, LIMITS)

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert "still image" in raised.value.error.message
    assert raised.value.error.retriable is False


def test_a_single_picture_in_a_video_container_is_refused(tmp_path: Path) -> None:
    one_frame = write_source(
        tmp_path / "one.mp4", VideoSource(frame_times=(0.0,), audio_layout=None)
    )

    with pytest.raises(MediaError) as raised:
        probe_media(one_frame, LIMITS)

    assert raised.value.error.code is JobErrorCode.NOT_MEDIA
    assert "still image" in raised.value.error.message


def test_two_programmes_with_distant_clocks_are_described_by_the_streams_used(
    sample_video: Path, tmp_path: Path
) -> None:
    capture = make_two_programme_ts(sample_video, tmp_path / "capture.ts")

    probe = probe_media(capture, LIMITS)

    assert probe.duration_seconds == pytest.approx(2.0, abs=0.05)
    assert len(probe.video_streams) == 2
    assert len(probe.audio_streams) == 2
    assert {InputNoticeCode.SEVERAL_VIDEO_STREAMS, InputNoticeCode.SEVERAL_AUDIO_STREAMS} <= codes(
        probe
    )


def test_a_container_declaring_far_more_than_its_streams_is_noted() -> None:
    notices = Notices()

    notices.durations(declared=4 * 3600.0, used=8.0)
    notices.durations(declared=8.5, used=8.0)

    assert [notice["code"] for notice in notices.found] == ["duration_mismatch"]


def test_the_duration_limit_applies_to_the_streams_used(sample_video: Path) -> None:
    with pytest.raises(MediaError) as raised:
        probe_media(sample_video, MediaLimits(max_duration_seconds=1.5))

    assert raised.value.error.code is JobErrorCode.LIMIT_EXCEEDED


def test_a_probe_stored_before_the_rich_model_still_validates() -> None:
    stored = {
        "container_format": "mov,mp4,m4a,3gp,3g2,mj2",
        "duration_seconds": 2.0,
        "size_bytes": 1000,
        "bit_rate": 4000,
        "video": {
            "index": 0, "codec": "h264", "profile": "High", "width": 320, "height": 240,
            "display_width": 320, "display_height": 240, "rotation": 0, "frame_rate": 25.0,
            "pixel_format": "yuv420p", "bit_rate": 3000, "duration_seconds": 2.0,
        },
        "audio": None,
        "stream_count": 1,
    }  # fmt: skip

    probe = MediaProbe.model_validate(stored)

    assert probe.video is not None
    assert probe.video.variable_frame_rate is False
    assert (probe.video_streams, probe.notices) == ([], [])


def test_the_command_line_prints_what_the_probe_validates(sample_video: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "services.metadata.describe", str(sample_video)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout

    assert MediaProbe.model_validate(json.loads(printed)) == probe_media(sample_video, LIMITS)


def test_the_command_line_starts_without_pydantic(sample_video: Path) -> None:
    # Importing pydantic and every contract costs the process more than ffprobe's whole
    # run; the probe's facts need neither.
    script = (
        "import runpy, sys; sys.argv[1:] = [sys.argv.pop()]; "
        "runpy.run_module('services.metadata.describe', run_name='__main__'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'), file=sys.stderr)"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", script, str(sample_video)],
        capture_output=True,
        check=True,
        text=True,
    ).stderr

    assert loaded.strip() == "[]"
