"""Every real sample of ../shared/media through the ladder, checked by decoding each rung.

Runs only where that folder exists: `pytest --noconftest -m corpus
tests/transcoder/test_ladder_corpus.py` (`--noconftest` until issue 5's worker kit
lands). `broken_*` files fail with a typed error and leave nothing behind; every
other file gives rungs that decode fully, upright, with even sides, no larger
than the source or 1080p, as long as the source, with audio exactly when the
source has audio.
"""

import re
from pathlib import Path

import av
import m3u8
import pytest
from av.stream import Disposition

from contracts.enums import JobErrorCode
from services.common.media import MediaError
from services.transcoder.ladder import LadderOptions, OutputKind, encode_ladder
from tests.support.ladder import (
    check_media_playlist,
    join_rendition,
    source_bounds,
)
from tests.support.ladder import source_span as rung_span
from tests.support.media import SHARED_MEDIA_DIR, decode_fully, first_frame

MANIFEST = SHARED_MEDIA_DIR / "MANIFEST.md"
FAST = LadderOptions(preset="ultrafast")
DURATION_TOLERANCE_SECONDS = 0.05

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not MANIFEST.exists(), reason="no shared media corpus here"),
]

FAILS = {
    "broken_not_a_video_text_named.mp4": JobErrorCode.NOT_MEDIA,
    "broken_zero_length.mp4": JobErrorCode.NOT_MEDIA,
    "broken_truncated_half_of_mp4_h264_aac.mp4": JobErrorCode.DAMAGED_MEDIA,
    "broken_vp9_invalid_bitstream_claims_12336x12336.webm": JobErrorCode.LIMIT_EXCEEDED,
}
TOP_RUNGS = {
    # Upright, square-pixel display size capped at 1080p by the shorter side.
    "mov_hevc10_dolbyvision_iphone14pro_rot-90_0.1s.mov": (720, 1280),
    "mp4_h264_4k60_portrait_rot-90_0.3s_android.mp4": (1080, 1920),
    "mp4_av1_10bit_hdr10_aac_720x1280.mp4": (720, 1280),
    "mp4_h264_vfr_3026x1386_noaudio.mp4": (2358, 1080),
    "gif_animated_314x273_30frames.gif": (314, 272),
    "flv_h264_aac_1080x720.flv": (1080, 720),
    "mts_h264_1080i50_ac3_pgs_sony_a7m3_camera.mts": (1920, 1080),
    "ts_mpeg2_1080i_422_dts51_mp2_two_audio_hdmv.ts": (1920, 1080),
}


def corpus_files() -> list[str]:
    if not MANIFEST.exists():
        return []
    return re.findall(r"^\| \d+ \| `([^`]+)` \|", MANIFEST.read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file_through_the_ladder(tmp_path: Path, name: str) -> None:
    source = SHARED_MEDIA_DIR / name
    out = tmp_path / "ladder"
    if name.startswith("broken_"):
        with pytest.raises(MediaError) as caught:
            encode_ladder(source, out, FAST)
        assert caught.value.error.code is FAILS[name]
        assert list(tmp_path.iterdir()) == []
        return

    result = encode_ladder(source, out, FAST)
    with av.open(str(source)) as container:
        has_video = any(
            not stream.disposition & Disposition.attached_pic for stream in container.streams.video
        )
        has_audio = bool(container.streams.audio)
    # The output starts at the first sample of either track; video from there on.
    video_span = source_bounds(source, audio=False)[1] - source_bounds(source)[0]
    if has_audio:
        audio_joined = join_rendition(result, "audio/index.m3u8", tmp_path / "audio.mp4")
        # Audio from the output's 0 (a late start is silence) to the source audio's end.
        audio_end = source_bounds(source, video=False)[1] - source_bounds(source)[0]
        assert abs(rung_span(audio_joined.path) - audio_end) <= DURATION_TOLERANCE_SECONDS
    master = m3u8.load(str(out / result.master_playlist))
    assert master.playlists
    assert (result.output("audio").path is not None) == has_audio
    for variant in master.playlists:
        check_media_playlist(m3u8.load(str(out / variant.uri)))
    rungs = [output for output in result.ready if output.kind is OutputKind.HLS_VIDEO]
    if not has_video:
        assert rungs == []
        assert decode_fully(out / "download.m4a").audio_codec == "aac"
        return
    if name in TOP_RUNGS:
        assert (rungs[0].width, rungs[0].height) == TOP_RUNGS[name]
    for rung in rungs:
        assert rung.path is not None
        assert rung.width is not None
        assert rung.height is not None
        assert rung.width % 2 == rung.height % 2 == 0
        assert min(rung.width, rung.height) <= 1080
        joined = join_rendition(result, rung.path, tmp_path / f"{rung.name}.mp4")
        decoded = decode_fully(joined.path)
        assert (decoded.width, decoded.height) == (rung.width, rung.height)
        assert decoded.video_frames > 0
        picture = first_frame(joined.path)
        assert picture.format.name == "yuv420p"
        assert picture.rotation == 0
        assert rung.frame_rate is not None
        assert rung.frame_rate <= 60
        frame = float(1 / rung.frame_rate)
        # Each track as long as the source's own (a source's audio may outlast its video).
        span = rung_span(joined.path)
        assert abs(span - video_span) <= max(frame, DURATION_TOLERANCE_SECONDS), (
            f"{rung.name}: {span} vs {video_span}"
        )
    download = decode_fully(out / "download.mp4")
    assert (download.audio_codec is not None) == has_audio
