"""Builders of special test media, derived from the synthetic files of `tests.support.media`.

Each one changes one known property: where the index sits, where timestamps
start, how the picture is turned, whether the bitstream is intact.
"""

import itertools
from fractions import Fraction
from pathlib import Path

import av

# The 3x3 track matrix of an MP4 `tkhd` box (16.16 and 2.30 fixed point).
_IDENTITY_MATRIX = bytes.fromhex(
    "00010000" + "00000000" * 3 + "00010000" + "00000000" * 3 + "40000000"
)
# What a phone held upright writes: FFmpeg reads it as a display rotation of -90 degrees.
_PORTRAIT_MATRIX = bytes.fromhex(
    "00000000" + "00010000" + "00000000" + "ffff0000" + "00000000" * 4 + "40000000"
)


def remux(
    source: Path,
    target: Path,
    *,
    container_format: str | None = None,
    options: dict[str, str] | None = None,
    shift_seconds: float = 0.0,
    sample_aspect_ratio: Fraction | None = None,
) -> Path:
    """Copy every packet into a new container, timestamps moved by `shift_seconds`,
    the video's pixel shape declared as `sample_aspect_ratio` if given."""
    with (
        av.open(str(source)) as inp,
        av.open(str(target), "w", format=container_format, options=options or {}) as out,
    ):
        streams = {stream.index: out.add_stream_from_template(stream) for stream in inp.streams}
        if sample_aspect_ratio is not None:
            for stream in out.streams.video:
                stream.sample_aspect_ratio = sample_aspect_ratio
        for packet in inp.demux():
            if packet.dts is None or packet.pts is None or packet.stream.time_base is None:
                continue  # the demuxer's end-of-stream marker
            shift = int(shift_seconds / packet.stream.time_base)
            packet.pts += shift
            packet.dts += shift
            packet.stream = streams[packet.stream.index]
            out.mux(packet)
    return target


def make_far_start_ts(source: Path, target: Path, start_seconds: float = 4200.0) -> Path:
    """The same streams in MPEG-TS with timestamps starting `start_seconds` in, like a capture."""
    return remux(source, target, container_format="mpegts", shift_seconds=start_seconds)


def _mdat(data: bytes) -> tuple[int, int]:
    """Offset and size of the `mdat` box of an MP4 whose `mdat` follows its `moov`."""
    start = data.index(b"mdat") - 4
    return start, int.from_bytes(data[start : start + 4], "big")


def make_portrait(faststart: Path, target: Path) -> Path:
    """A faststart MP4 whose only track carries a portrait display matrix (rotation -90)."""
    data = faststart.read_bytes()
    at = data.index(_IDENTITY_MATRIX, data.index(b"tkhd"))
    target.write_bytes(data[:at] + _PORTRAIT_MATRIX + data[at + len(_IDENTITY_MATRIX) :])
    return target


def make_zeroed_media(faststart: Path, target: Path) -> Path:
    """A faststart MP4 with intact headers but every media byte zeroed: nothing decodes."""
    data = faststart.read_bytes()
    start, size = _mdat(data)
    target.write_bytes(data[: start + 8] + bytes(size - 8) + data[start + size :])
    return target


def make_headers_only(faststart: Path, target: Path) -> Path:
    """A faststart MP4 cut right after its index: it promises 2 s and holds no frame."""
    data = faststart.read_bytes()
    start, _ = _mdat(data)
    target.write_bytes(data[: start + 8])
    return target


_TS_PACKET = 188


def make_two_programme_ts(source: Path, target: Path, gap_seconds: float = 3 * 3600) -> Path:
    """A broadcast-like MPEG-TS: `source` twice, as two programmes whose clocks are
    `gap_seconds` apart, their TS packets interleaved as a multiplex carries them."""
    first = remux(
        source, target.with_suffix(".p1.ts"), container_format="mpegts",
        options={"mpegts_service_id": "1"}, shift_seconds=10,
    )  # fmt: skip
    second = remux(
        source, target.with_suffix(".p2.ts"), container_format="mpegts",
        options={
            "mpegts_service_id": "2", "mpegts_start_pid": "0x200", "mpegts_pmt_start_pid": "0x1100"
        },
        shift_seconds=gap_seconds,
    )  # fmt: skip
    one, two = first.read_bytes(), second.read_bytes()
    chunks = itertools.zip_longest(
        (one[at : at + _TS_PACKET] for at in range(0, len(one), _TS_PACKET)),
        (two[at : at + _TS_PACKET] for at in range(0, len(two), _TS_PACKET)),
        fillvalue=b"",
    )
    target.write_bytes(b"".join(a + b for a, b in chunks))
    return target
