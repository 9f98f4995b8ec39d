"""Opening untrusted media: refusals are typed, and frame rates are real."""

from fractions import Fraction
from pathlib import Path

import pytest

from contracts import JobErrorCode
from services.common.media import (
    MediaError,
    MediaLimits,
    first_frame,
    frame_rate,
    open_untrusted,
    primary_video_stream,
)
from tests.support.media import SHARED_MEDIA_DIR, VideoSource, write_source

UNEVEN = (0.0, 0.04, 0.06, 0.3, 0.31, 0.9, 1.0, 1.5, 2.7)
"""Nine frames over 3.2 s, 10 ms to 1.2 s apart: a variable frame rate."""


def measured_rate(source: Path) -> Fraction | None:
    """The rate by the rule, measured onward from the first frame as the probe does."""
    with open_untrusted(source, MediaLimits()) as container:
        stream = primary_video_stream(container)
        assert stream is not None
        first_frame(container, stream, MediaLimits())
        return frame_rate(stream, container)


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["mkv_h264_ac3_srt_subs.mkv", "flv_h264_aac_1080x720.flv"])
def test_a_millisecond_time_base_does_not_fake_the_frame_rate(name: str) -> None:
    """Real Matroska and FLV files read 1000 fps (ms time base) and guess 60 (field rate);
    their frames are 30 per second. (Files PyAV writes carry a rate header, so only real
    ones show the problem.)"""
    path = SHARED_MEDIA_DIR / name
    if not path.exists():
        pytest.skip("no shared media corpus here")
    with open_untrusted(path, MediaLimits()) as container:
        stream = primary_video_stream(container)
        assert stream is not None
        assert stream.average_rate == 1000
        assert frame_rate(stream) == 60
        assert frame_rate(stream, container) == 30


def test_a_playlist_is_not_opened(tmp_path: Path) -> None:
    playlist = tmp_path / "evil.m3u8"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/secret.ts\n")
    with pytest.raises(MediaError) as raised, open_untrusted(playlist, MediaLimits()):
        pass
    assert raised.value.error.code in (JobErrorCode.NOT_MEDIA, JobErrorCode.UNSUPPORTED_FORMAT)


def test_pictures_over_the_limit_are_refused_before_decoding(sample_video: Path) -> None:
    with (
        pytest.raises(MediaError) as raised,
        open_untrusted(sample_video, MediaLimits(max_pixels=1000)),
    ):
        pass
    assert raised.value.error.code is JobErrorCode.LIMIT_EXCEEDED
    assert "320x240" in raised.value.error.message


def test_the_first_frame_proves_a_stream_decodes(sample_video: Path) -> None:
    with open_untrusted(sample_video, MediaLimits()) as container:
        stream = primary_video_stream(container)
        assert stream is not None
        frame = first_frame(container, stream, MediaLimits())
    assert (frame.width, frame.height) == (320, 240)


def test_a_header_average_is_the_rate_even_when_variable(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "vfr.mp4", VideoSource(frame_times=UNEVEN, last_frame_seconds=0.5)
    )

    # MP4's average is its frame count over its duration: 9 frames in 2.74 s.
    assert measured_rate(source) == Fraction(450, 137)


def test_a_millisecond_header_rate_is_measured_and_snapped_when_even(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "cfr.mkv",
        VideoSource(
            frame_times=tuple(index / 30 for index in range(40)),
            declared_rate=1000,
            container_format="matroska",
        ),
    )

    assert measured_rate(source) == 30


def test_a_millisecond_header_rate_is_the_average_when_uneven(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "vfr.mkv",
        VideoSource(
            frame_times=UNEVEN,
            last_frame_seconds=0.5,
            declared_rate=1000,
            container_format="matroska",
        ),
    )

    # After the first frame: 8 frames from 0.04 s to 2.7 s, 7 intervals in 2.66 s.
    assert measured_rate(source) == Fraction(7 * 100, 266)
