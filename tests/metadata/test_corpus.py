"""Every real sample of ../shared/media, probed and postered, against its MANIFEST.md row.

Runs only where that folder exists (it is not part of the repository):
`pytest -m corpus tests/metadata`.

Broken files: each must fail with a typed error and a message, except
`broken_truncated_half_of_mp4_h264_aac.mp4`. Its index is intact and its first
1.5 s decode, so the metadata job describes it from the index and takes the
poster from the decodable part, as the manifest's own probe did; decoding all
of it is the transcoder's work, and that job fails it as damaged.
"""

import io
import re
from dataclasses import dataclass
from fractions import Fraction

import av
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode
from contracts.media import MediaProbe
from services.common.media import MediaError, MediaLimits
from services.metadata.poster import PosterOptions, poster_size, render_poster
from services.metadata.probe import probe_media
from tests.conftest import SHARED_MEDIA_DIR

MANIFEST = SHARED_MEDIA_DIR / "MANIFEST.md"
LIMITS = MediaLimits()

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not MANIFEST.exists(), reason="no shared media corpus here"),
]

FAILS = {
    "broken_not_a_video_text_named.mp4": JobErrorCode.NOT_MEDIA,
    "broken_zero_length.mp4": JobErrorCode.NOT_MEDIA,
    # Its header claims 12336x12336: refused as a limit before any decoder sees it.
    "broken_vp9_invalid_bitstream_claims_12336x12336.webm": JobErrorCode.LIMIT_EXCEEDED,
}
PROBES_FROM_ITS_INDEX = "broken_truncated_half_of_mp4_h264_aac.mp4"


@dataclass(frozen=True)
class Row:
    """What MANIFEST.md says about one file."""

    name: str
    size_bytes: int
    container: str
    video: dict[int, tuple[str, int, int]]
    """Stream index -> (decoder, width, height)."""
    audio: dict[int, tuple[str, int, int]]
    """Stream index -> (decoder, channels, sample rate)."""
    duration_seconds: float | None
    rotation: int


_VIDEO = re.compile(r"#(\d+) V (\S+) .*?(\d+)x(\d+)")
_AUDIO = re.compile(r"#(\d+) A (\S+) .*?(\d+) ch\b.*? (\d+) Hz")


def manifest_rows() -> list[Row]:
    if not MANIFEST.exists():
        return []
    rows = []
    for line in MANIFEST.read_text().splitlines():
        if not re.match(r"^\| \d+ \| `", line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        streams = cells[7].split("<br>")
        duration = re.match(r"[\d.]+", cells[8])
        rotation = re.search(r"(-?\d+) deg", cells[9])
        rows.append(
            Row(
                name=cells[1].strip("`"),
                size_bytes=int(cells[5]),
                container=cells[6],
                video={
                    int(m[1]): (m[2], int(m[3]), int(m[4])) for m in map(_VIDEO.match, streams) if m
                },
                audio={
                    int(m[1]): (m[2], int(m[3]), int(m[4])) for m in map(_AUDIO.match, streams) if m
                },
                duration_seconds=float(duration[0]) if duration else None,
                rotation=int(rotation[1]) if rotation else 0,
            )
        )
    return rows


def test_the_manifest_lists_every_file() -> None:
    rows = manifest_rows()
    assert len(rows) == 19
    assert {row.name for row in rows} == {
        path.name for path in SHARED_MEDIA_DIR.iterdir() if path.name != "MANIFEST.md"
    }


@pytest.mark.parametrize(
    "row", [row for row in manifest_rows() if row.name in FAILS], ids=lambda row: row.name
)
def test_broken_files_fail_with_a_typed_error_and_a_message(row: Row) -> None:
    with pytest.raises(MediaError) as raised:
        probe_media(SHARED_MEDIA_DIR / row.name, LIMITS)

    assert raised.value.error.code is FAILS[row.name]
    assert len(raised.value.error.message) > 20
    assert raised.value.error.retriable is False


def test_an_invalid_bitstream_fails_as_unplayable_even_within_the_limits() -> None:
    # Limits raised so the decoder is reached: not one frame decodes from it.
    path = SHARED_MEDIA_DIR / "broken_vp9_invalid_bitstream_claims_12336x12336.webm"

    with pytest.raises(MediaError) as raised:
        probe_media(path, MediaLimits(max_pixels=12336 * 12336))

    assert raised.value.error.code is JobErrorCode.NO_PLAYABLE_STREAM
    assert "Not a single video frame" in raised.value.error.message


@pytest.mark.parametrize(
    "row", [row for row in manifest_rows() if row.name not in FAILS], ids=lambda row: row.name
)
def test_files_are_probed_as_the_manifest_says_with_a_poster_when_there_is_video(
    row: Row,
) -> None:
    path = SHARED_MEDIA_DIR / row.name
    probe = probe_media(path, LIMITS)

    assert probe.container_format == row.container
    assert probe.size_bytes == row.size_bytes
    assert probe.duration_seconds == pytest.approx(row.duration_seconds, abs=0.002)
    _assert_streams(probe, row)
    if probe.video is None:
        return
    poster = render_poster(path, LIMITS, PosterOptions())
    expected = poster_size(probe.video.display_width, probe.video.display_height, 1280)
    assert (poster.width, poster.height) == expected
    with av.open(io.BytesIO(poster.data)) as image:
        assert isinstance(image, InputContainer)
        frame = next(image.decode(video=0))
    assert (frame.width, frame.height) == expected


def _assert_streams(probe: MediaProbe, row: Row) -> None:
    if not row.video:
        assert probe.video is None
    else:
        assert probe.video is not None
        codec, width, height = row.video[probe.video.index]
        assert (probe.video.codec, probe.video.width, probe.video.height) == (codec, width, height)
        assert probe.video.rotation == row.rotation
        turned = row.rotation in (90, -90)
        assert (probe.video.display_width, probe.video.display_height) == (
            (height, width) if turned else (width, height)
        )
        assert probe.video.frame_rate is not None
        assert 0 < probe.video.frame_rate <= 240
    if not row.audio:
        assert probe.audio is None
    else:
        assert probe.audio is not None
        assert row.audio[probe.audio.index] == (
            probe.audio.codec,
            probe.audio.channels,
            probe.audio.sample_rate,
        )


def test_the_truncated_file_still_gets_a_poster_past_its_decodable_part() -> None:
    path = SHARED_MEDIA_DIR / PROBES_FROM_ITS_INDEX

    poster = render_poster(path, LIMITS, PosterOptions(position=0.95))

    with av.open(io.BytesIO(poster.data)) as image:
        assert isinstance(image, InputContainer)
        assert next(image.decode(video=0)).width == 1280


def test_frame_rates_are_usable_where_the_container_reports_milliseconds() -> None:
    # Matroska and FLV report 1000 fps from their time base; the guessed rate is used.
    for name in ("mkv_h264_ac3_srt_subs.mkv", "flv_h264_aac_1080x720.flv"):
        probe = probe_media(SHARED_MEDIA_DIR / name, LIMITS)
        assert probe.video is not None
        assert probe.video.frame_rate is not None
        assert Fraction(probe.video.frame_rate) < 1000
