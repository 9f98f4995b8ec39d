"""Every real sample of ../shared/media, probed, postered and storyboarded, against its
MANIFEST.md row, plain PyAV and (when on the PATH) `ffprobe`.

Runs only where that folder exists (it is not part of the repository):
`pytest -m corpus tests/metadata`.

Broken files: each must fail with a typed error and a message, except
`broken_truncated_half_of_mp4_h264_aac.mp4`. Its index is intact and its first
1.5 s decode, so the metadata job describes it from the index and takes the
poster from the decodable part, as the manifest's own probe did; decoding all
of it is the transcoder's work, and that job fails it as damaged.
"""

import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode
from contracts.media import FieldOrder, HdrFormat, MediaProbe
from services.common.media import MediaError, MediaLimits, display_geometry
from services.metadata.poster import PosterOptions, poster_size, render_posters
from services.metadata.probe import probe_media
from services.metadata.storyboard import make_storyboard
from tests.support.media import CORPUS_MARKS, MANIFEST, SHARED_MEDIA_DIR, check_storyboard

LIMITS = MediaLimits()

pytestmark = list(CORPUS_MARKS)

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
    covers: str
    """The row's *Covers* cell: says HDR (PQ, HLG), variable frame rate, interlaced."""


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
                covers=cells[2],
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
    shown = display_geometry(probe.video.display_width, probe.video.display_height)
    for poster, width in zip(render_posters(path, LIMITS), (1280, 320), strict=True):
        expected = poster_size(shown, width)
        assert (poster.width, poster.height) == expected
        with av.open(io.BytesIO(poster.data)) as image:
            assert isinstance(image, InputContainer)
            frame = next(image.decode(video=0))
        assert (frame.width, frame.height) == expected
        # Not one flat colour (black, blank) unless the whole video is.
        assert frame.to_ndarray(format="gray").std() > 10 or _uniform_throughout(path)


def _uniform_throughout(path: Path) -> bool:
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        return all(
            frame.to_ndarray(format="gray").std() <= 10 for frame in container.decode(video=0)
        )


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

    poster, _ = render_posters(path, LIMITS, PosterOptions(position=0.95))

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


VIDEO_ROWS = [row for row in manifest_rows() if row.name not in FAILS and row.video]


@pytest.mark.parametrize("row", VIDEO_ROWS, ids=lambda row: row.name)
def test_every_video_gets_a_storyboard_its_vtt_points_into(row: Row, tmp_path: Path) -> None:
    path = SHARED_MEDIA_DIR / row.name
    probe = probe_media(path, LIMITS)
    assert probe.video is not None

    board = make_storyboard(path, LIMITS, tmp_path)

    duration = probe.video.duration_seconds or probe.container_duration_seconds
    assert duration is not None
    cues = check_storyboard(board.vtt, board.sprite, duration=duration)
    assert len(cues) == board.count >= 1
    assert board.interval_seconds <= max(10.0, duration / 100)
    turned = probe.video.display_height > probe.video.display_width
    assert (board.tile_height > board.tile_width) is turned


@pytest.mark.parametrize("row", VIDEO_ROWS, ids=lambda row: row.name)
def test_hdr_vfr_and_interlacing_are_detected_where_the_manifest_says(row: Row) -> None:
    video = probe_media(SHARED_MEDIA_DIR / row.name, LIMITS).video
    assert video is not None

    hdr = HdrFormat.PQ if "PQ" in row.covers else HdrFormat.HLG if "HLG" in row.covers else None
    assert video.hdr is hdr
    assert video.variable_frame_rate is ("variable frame rate" in row.covers)
    interlaced = video.field_order not in (None, FieldOrder.PROGRESSIVE)
    assert interlaced is ("interlaced" in row.covers)


@pytest.mark.parametrize(
    "row", [row for row in manifest_rows() if row.name not in FAILS], ids=lambda row: row.name
)
def test_fields_equal_what_pyav_reports(row: Row) -> None:
    path = SHARED_MEDIA_DIR / row.name
    probe = probe_media(path, LIMITS)

    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        assert probe.stream_count == len(container.streams)
        assert len(probe.audio_streams) == len(container.streams.audio)
        assert len(probe.subtitle_streams) == len(container.streams.subtitles)
        for audio in probe.audio_streams:
            sound = container.streams[audio.index]
            assert isinstance(sound, av.audio.stream.AudioStream)
            heard = sound.codec_context
            assert (audio.codec, audio.channels, audio.sample_rate) == (
                heard.name, heard.channels, heard.sample_rate,
            )  # fmt: skip
            assert audio.profile == (heard.profile or None)
        for video in probe.video_streams:
            stream = container.streams[video.index]
            assert isinstance(stream, av.video.stream.VideoStream)
            context = stream.codec_context
            assert (video.codec, video.width, video.height, video.pixel_format) == (
                context.name, context.width, context.height, context.pix_fmt,
            )  # fmt: skip
            assert video.profile == (context.profile or None)
            average = stream.average_rate
            assert video.average_frame_rate == (float(average) if average else None)
            assert video.nominal_frame_rate == (
                float(stream.base_rate) if stream.base_rate else None
            )


FFPROBE = shutil.which("ffprobe")
# Decoder names Echo reports where ffprobe prints the codec's name.
_CODEC_NAMES = {"libdav1d": "av1", "mp3float": "mp3", "dca": "dts", "srt": "subrip",
                "pgssub": "hdmv_pgs_subtitle"}  # fmt: skip


def ffprobe(path: Path) -> dict[str, object]:
    assert FFPROBE is not None
    output = subprocess.run(
        [FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    parsed: dict[str, object] = json.loads(output)
    return parsed


def _known(value: object) -> object:
    return None if value in (None, "unknown", "N/A", "0:1", "reserved") else value


@pytest.mark.skipif(FFPROBE is None, reason="ffprobe not on the PATH (apt-get install ffmpeg)")
@pytest.mark.parametrize(
    "row", [row for row in manifest_rows() if row.name not in FAILS], ids=lambda row: row.name
)
def test_fields_equal_what_ffprobe_reports(row: Row) -> None:
    path = SHARED_MEDIA_DIR / row.name
    probe = probe_media(path, LIMITS)
    report = ffprobe(path)
    streams = {int(s["index"]): s for s in report["streams"]}  # type: ignore[attr-defined]
    container = report["format"]
    assert isinstance(container, dict)

    assert probe.stream_count == int(container["nb_streams"])
    if "duration" in container:
        # The CLI may be an older FFmpeg (Debian's 5.1) than PyAV's: MP3 gapless
        # handling moved the MP3's end by 24 ms.
        assert probe.container_duration_seconds == pytest.approx(
            float(container["duration"]), abs=0.03
        )
    for video in probe.video_streams:
        theirs = streams[video.index]
        assert _CODEC_NAMES.get(video.codec, video.codec) == theirs["codec_name"]
        assert (video.width, video.height) == (theirs["width"], theirs["height"])
        assert video.pixel_format == _known(theirs.get("pix_fmt"))
        assert video.level == (theirs.get("level") if theirs.get("level", -99) > 0 else None)
        # Where the older CLI leaves a colour property unset, PyAV's decoder may know it.
        for ours, key in (
            (video.color_range, "color_range"),
            (video.color_primaries, "color_primaries"),
            (video.color_transfer, "color_transfer"),
            (video.color_matrix, "color_space"),
        ):
            if _known(theirs.get(key)) is not None:
                assert ours == theirs[key]
        if _known(theirs.get("field_order")) is not None:
            assert video.field_order == theirs["field_order"]
        if _known(theirs.get("sample_aspect_ratio")) is not None:
            assert video.sample_aspect_ratio == theirs["sample_aspect_ratio"]
            assert video.display_aspect_ratio == theirs["display_aspect_ratio"]
        assert video.nominal_frame_rate == pytest.approx(float(Fraction(theirs["r_frame_rate"])))
    for audio in probe.audio_streams:
        theirs = streams[audio.index]
        assert _CODEC_NAMES.get(audio.codec, audio.codec) == theirs["codec_name"]
        assert (audio.channels, audio.sample_rate) == (
            theirs["channels"],
            int(theirs["sample_rate"]),
        )
    for subtitle in probe.subtitle_streams:
        theirs = streams[subtitle.index]
        assert _CODEC_NAMES.get(subtitle.codec, subtitle.codec) == theirs["codec_name"]
        assert subtitle.language == theirs.get("tags", {}).get("language")
