"""Probing synthetic media whose every property is known, and refusing what is not media."""

from fractions import Fraction
from pathlib import Path

import pytest

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits
from services.metadata.probe import display_size, normalized_rotation, probe_media
from tests.metadata.samples import remux

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
    ("degrees", "expected"),
    [(0, 0), (-90, -90), (90, 90), (270, -90), (-180, 180), (180, 180), (-270, 90), (89.6, 90)],
)
def test_rotation_is_normalized_to_quarter_turns(degrees: float, expected: int) -> None:
    assert normalized_rotation(degrees) == expected


def test_display_size_stretches_non_square_pixels_then_turns() -> None:
    assert display_size(720, 576, Fraction(16, 15), 0) == (768, 576)
    assert display_size(720, 576, Fraction(16, 15), -90) == (576, 768)
    assert display_size(1920, 1080, Fraction(1), 180) == (1920, 1080)


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
