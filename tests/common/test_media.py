"""Opening untrusted media: refusals are typed, and frame rates are real."""

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
from tests.conftest import SHARED_MEDIA_DIR


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
