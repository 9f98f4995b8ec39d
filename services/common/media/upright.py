"""The one filter chain that shows a stored picture upright, at a given size.

Deinterlace (when the stream or its frames say interlaced), turn by the
geometry's quarter turns, scale to the output size (which stretches
non-square pixels to square ones) and convert to the output's pixel format.
The transcoder's renditions and the metadata poster are both drawn with it.
"""

from dataclasses import dataclass
from fractions import Fraction

from av.filter import Graph
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from services.common.media.geometry import DisplayGeometry

DEINTERLACER = ("bwdif", "mode=send_frame:parity=auto:deint=interlaced")
"""bwdif rather than yadif: the same options and one output frame per input frame, so
timestamps are kept, with yadif's motion check but cubic (w3fdif) interpolation, which
leaves fewer jagged edges at a similar cost. `deint=interlaced` leaves progressive frames
of a mixed stream untouched."""
INTERLACED_FIELD_ORDERS = frozenset({2, 3, 4, 5})
"""`AVFieldOrder` TT, BB, TB, BT: an interlaced stream, even if its first frame is not."""


@dataclass(frozen=True)
class PictureFormat:
    """The pixels an output wants."""

    pixel_format: str
    full_range: bool
    color_matrix: str | None = None
    """Matrix of the YUV output, when the format fixes one (JPEG's is BT.601)."""


H264_PICTURE = PictureFormat("yuv420p", full_range=False)
"""Limited range, which players assume: full-range sources (yuvj*, camera MJPEG) convert."""
JPEG_PICTURE = PictureFormat("yuvj420p", full_range=True, color_matrix="bt601")


def is_interlaced(stream: VideoStream, frame: VideoFrame) -> bool:
    """Whether the stream's field order or a decoded frame of it says interlaced."""
    return frame.interlaced_frame or stream.codec_context.field_order in INTERLACED_FIELD_ORDERS


def upright_steps(geometry: DisplayGeometry, *, deinterlace: bool) -> list[tuple[str, str]]:
    """The libavfilter steps that turn a decoded stored picture upright, before any scaling
    (the single rendition scales once after them; the ladder splits, then scales per rung)."""
    steps: list[tuple[str, str]] = [DEINTERLACER] if deinterlace else []
    match geometry.quarter_turns:
        case 1:
            steps.append(("transpose", "clock"))
        case 2:
            steps += [("hflip", ""), ("vflip", "")]
        case 3:
            steps.append(("transpose", "cclock"))
    return steps


def upright_filters(
    geometry: DisplayGeometry,
    size: tuple[int, int],
    *,
    deinterlace: bool,
    picture: PictureFormat,
) -> list[tuple[str, str]]:
    """The libavfilter steps, in order, from a decoded stored picture to an upright output one."""
    steps = upright_steps(geometry, deinterlace=deinterlace)
    width, height = size
    scale = f"{width}:{height}:out_range={'pc' if picture.full_range else 'tv'}"
    if picture.color_matrix is not None:
        scale += f":out_color_matrix={picture.color_matrix}"
    steps += [("scale", scale), ("setsar", "1"), ("format", picture.pixel_format)]
    return steps


def upright_graph(
    frame: VideoFrame,
    geometry: DisplayGeometry,
    size: tuple[int, int],
    *,
    deinterlace: bool,
    picture: PictureFormat,
    time_base: Fraction,
) -> Graph:
    """A configured graph of `upright_filters` for frames shaped like `frame`.

    Push frames with `vpush`, then `vpush(None)` at the end: a deinterlacer
    holds a frame back until it knows what follows.
    """
    graph = Graph()
    nodes = [
        graph.add(
            "buffer",
            video_size=f"{frame.width}x{frame.height}",
            pix_fmt=frame.format.name,
            time_base=str(time_base),
            pixel_aspect=str(geometry.sample_aspect_ratio),
        )
    ]
    for name, args in upright_filters(geometry, size, deinterlace=deinterlace, picture=picture):
        nodes.append(graph.add(name, args or None))
    nodes.append(graph.add("buffersink"))
    graph.link_nodes(*nodes).configure()
    return graph
