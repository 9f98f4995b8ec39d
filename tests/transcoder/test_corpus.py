"""Every real sample of ../shared/media through the transcoder's work function, checked
by decoding its download; `test_ladder_corpus.py` checks every rung of the ladder.

Runs only where that folder exists (it is not part of the repository):
`pytest -m corpus tests/transcoder`.

`broken_*` files must fail with a typed error and a message a person can act
on, leaving nothing. Every other file must give a master playlist that parses
and a download that decodes fully, upright, in yuv420p, no larger than 720p,
lasting as long as the source's audio and video (decoded here independently of
the transcoder), and as long as its container declares, except where
`EXPLAINED` says why not.
"""

from fractions import Fraction
from pathlib import Path

import av
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode, RenditionKind
from services.common.blobs import LocalBlobStore
from services.common.media import MediaError
from services.transcoder.job import transcode
from services.transcoder.ladder import LadderOptions
from tests.support.ladder import check_stored_ladder
from tests.support.media import (
    CORPUS_MARKS,
    SHARED_MEDIA_DIR,
    corpus_files,
    decode_fully,
    first_frame,
)
from tests.transcoder.support import job_context, partial_files, upload

TOLERANCE_SECONDS = 0.1
OPTIONS = LadderOptions(preset="ultrafast")

pytestmark = list(CORPUS_MARKS)

FAILS = {
    "broken_not_a_video_text_named.mp4": JobErrorCode.NOT_MEDIA,
    "broken_zero_length.mp4": JobErrorCode.NOT_MEDIA,
    # Decodes 47 of 109 frames, then the data ends: the declared 3.6 s never come.
    "broken_truncated_half_of_mp4_h264_aac.mp4": JobErrorCode.DAMAGED_MEDIA,
    # Its header claims 12336x12336: refused as a limit before any decoder sees it.
    "broken_vp9_invalid_bitstream_claims_12336x12336.webm": JobErrorCode.LIMIT_EXCEEDED,
}
EXPLAINED = {
    # The container's 1.234 s include the subtitle track, which a rendition does not
    # carry; its audio and video end at 1.07 s, and so does the output.
    "mkv_h264_ac3_srt_subs.mkv": "subtitles outlast audio and video",
}
SIZES = {
    "mov_hevc10_dolbyvision_iphone14pro_rot-90_0.1s.mov": (720, 1280),
    "mp4_h264_4k60_portrait_rot-90_0.3s_android.mp4": (720, 1280),
    "mp4_av1_10bit_hdr10_aac_720x1280.mp4": (720, 1280),
    "mp4_h264_vfr_3026x1386_noaudio.mp4": (1572, 720),
    "gif_animated_314x273_30frames.gif": (314, 272),
    "flv_h264_aac_1080x720.flv": (1080, 720),
    "mts_h264_1080i50_ac3_pgs_sony_a7m3_camera.mts": (1280, 720),
    "ts_mpeg2_1080i_422_dts51_mp2_two_audio_hdmv.ts": (1280, 720),
}


def source_span(path: Path) -> tuple[float, float | None]:
    """Seconds from the first to the last audio or video sample, and the declared duration."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        streams = [*container.streams.video, *container.streams.audio]
        start: Fraction | None = None
        end = Fraction(0)
        for packet in container.demux(streams):
            if packet.size == 0 and packet.pts is not None:
                continue  # Ogg Theora's repeat-frame markers
            for frame in packet.decode():
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    continue
                if frame.pts is None or frame.time_base is None:
                    continue
                begins = frame.pts * frame.time_base
                if isinstance(frame, av.AudioFrame):
                    length = Fraction(frame.samples, frame.sample_rate)
                else:
                    length = (frame.duration or 0) * frame.time_base
                start = begins if start is None else min(start, begins)
                end = max(end, begins + length)
        declared = container.duration / av.time_base if container.duration else None
        return float(end - (start or 0)), declared


@pytest.fixture
def store(blob_root: Path) -> LocalBlobStore:
    return LocalBlobStore(blob_root)


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file(store: LocalBlobStore, name: str) -> None:
    source = SHARED_MEDIA_DIR / name
    event = upload(store, source)
    context = job_context(store, event)

    if name.startswith("broken_"):
        with pytest.raises(MediaError) as caught:
            transcode(context, OPTIONS)
        assert caught.value.error.code is FAILS[name]
        assert len(caught.value.error.message) > 20
        assert list(store.root.rglob("transcode/*")) == []
        return

    result = transcode(context, OPTIONS)
    assert result.master_playlist is not None
    check_stored_ladder(store.path(result.master_playlist.key).parent)
    rendition = result.renditions[0]

    output = store.path(rendition.file.key)
    decoded = decode_fully(output)
    span, declared = source_span(source)
    assert abs(decoded.duration_seconds - span) <= TOLERANCE_SECONDS
    assert declared is not None
    if name not in EXPLAINED:
        assert abs(decoded.duration_seconds - declared) <= TOLERANCE_SECONDS
    assert abs(rendition.duration_seconds - decoded.duration_seconds) <= TOLERANCE_SECONDS
    assert partial_files(store.root) == []
    if rendition.kind is RenditionKind.AUDIO_ONLY:
        assert decoded.video_frames == 0
        assert decoded.audio_codec == "aac"
        return
    assert decoded.video_codec == "h264"
    picture = first_frame(output)
    assert picture.format.name == "yuv420p"
    assert picture.rotation == 0
    assert min(picture.width, picture.height) <= 720
    assert picture.width % 2 == picture.height % 2 == 0
    assert (picture.width, picture.height) == (rendition.width, rendition.height)
    if name in SIZES:
        assert (picture.width, picture.height) == SIZES[name]
