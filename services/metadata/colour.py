"""Colour properties of a video stream under FFmpeg's own names (as `ffprobe` prints them).

PyAV reports them as the numbers of FFmpeg's enums; these tables give the names
players, encoders and people use. Unspecified and reserved values have no name.
"""

from av.video.codeccontext import VideoCodecContext

_RANGES = {1: "tv", 2: "pc"}
_PRIMARIES = {
    1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "film",
    9: "bt2020", 10: "smpte428", 11: "smpte431", 12: "smpte432", 22: "ebu3213",
}  # fmt: skip
_TRANSFERS = {
    1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear",
    9: "log100", 10: "log316", 11: "iec61966-2-4", 12: "bt1361e", 13: "iec61966-2-1",
    14: "bt2020-10", 15: "bt2020-12", 16: "smpte2084", 17: "smpte428", 18: "arib-std-b67",
}  # fmt: skip
_MATRICES = {
    0: "gbr", 1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "ycgco",
    9: "bt2020nc", 10: "bt2020c", 11: "smpte2085", 12: "chroma-derived-nc",
    13: "chroma-derived-c", 14: "ictcp",
}  # fmt: skip
HDR_TRANSFERS = {"smpte2084": "pq", "arib-std-b67": "hlg"}
"""Transfer names that make a video HDR, and the `HdrFormat` each one means."""


def colour_names(context: VideoCodecContext) -> dict[str, str | None]:
    """Range, primaries, transfer and matrix of a video codec context, by FFmpeg name."""
    return {
        "color_range": _RANGES.get(context.color_range),
        "color_primaries": _PRIMARIES.get(context.color_primaries),
        "color_transfer": _TRANSFERS.get(context.color_trc),
        "color_matrix": _MATRICES.get(context.colorspace),
    }
