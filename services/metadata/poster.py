"""The poster: one upright picture from early in the video, as a JPEG.

Seek (in the video stream's time base) to a share of the duration, decode
forward to the first frame at or after that instant, then let FFmpeg's filters
deinterlace, turn the picture upright, scale it to square pixels within the
width limit, and FFmpeg's `mjpeg` encoder write the JPEG. When seeking finds
nothing (a damaged tail, a stream that ends early) the first decodable frame is used.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.container import InputContainer
from av.filter import Graph
from av.filter.context import FilterContext
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from services.common.media import (
    MediaError,
    MediaLimits,
    container_duration,
    decode,
    first_frame,
    open_untrusted,
    primary_video_stream,
    require_decoder,
)
from services.metadata.probe import (
    display_size,
    normalized_rotation,
    sample_aspect_ratio,
    stream_duration,
)

CONTENT_TYPE = "image/jpeg"
_JPEG_PIXEL_FORMAT = "yuvj420p"
# Bounds the picture a hostile aspect ratio could ask for; a 9:32 phone screen still fits.
_MAX_HEIGHT_RATIO = 4


@dataclass(frozen=True)
class PosterOptions:
    """Where the poster is taken and how it is written."""

    position: float = 0.1
    """Share of the video's duration, in [0, 1)."""
    max_width: int = 1280
    qscale: int = 4
    """JPEG quantizer, 2 (best) to 31."""


@dataclass(frozen=True)
class Poster:
    """An encoded poster."""

    data: bytes
    width: int
    height: int


def _keep_going() -> None:
    return None


def render_poster(
    path: Path,
    limits: MediaLimits,
    options: PosterOptions,
    *,
    checkpoint: Callable[[], None] = _keep_going,
) -> Poster:
    """Decode the poster frame of an upload and encode it; raises `MediaError`.

    `checkpoint` is called once per decoded frame (the job's cancellation check).
    """
    with open_untrusted(path, limits) as container:
        stream = _video_stream(container)
        frame = _frame_near(container, stream, options.position, limits, checkpoint)
        if frame is not None:
            return _encode(frame, stream, options)
    # A fresh demuxer: after a failed seek the old one may sit anywhere, or at the end.
    with open_untrusted(path, limits) as container:
        stream = _video_stream(container)
        return _encode(first_frame(container, stream, limits), stream, options)


def poster_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    """Fit a shown size within `max_width` (and a height of 4 x `max_width`), keeping its
    shape; both sides even and >= 2."""
    scale = min(1.0, max_width / max(width, 1), _MAX_HEIGHT_RATIO * max_width / max(height, 1))
    # Rounded down to even: 4:2:0 needs it, and the width never passes the limit.
    return max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)


def _video_stream(container: InputContainer) -> VideoStream:
    stream = primary_video_stream(container)
    if stream is None:
        raise MediaError(JobErrorCode.NO_PLAYABLE_STREAM, "The file has no video stream.")
    require_decoder(stream)
    # Decoding a 4K GOP on one core is what makes a poster slow.
    stream.codec_context.thread_type = "AUTO"
    return stream


def _frame_near(
    container: InputContainer,
    stream: VideoStream,
    position: float,
    limits: MediaLimits,
    checkpoint: Callable[[], None],
) -> VideoFrame | None:
    """The first frame at or after `position` of the duration; None when none was found."""
    duration = stream_duration(stream) or container_duration(container) or 0.0
    seconds = min(max(position, 0.0), 1.0) * duration
    if seconds <= 0 or stream.time_base is None:
        return first_frame(container, stream, limits)
    # Timestamps count from the stream's start, which can be far from 0 (4200 s in MPEG-TS).
    start = stream.start_time or 0
    target = start + int(seconds / stream.time_base)
    back_off = max(1, int(1 / stream.time_base))
    seek_to = target
    while True:
        try:
            container.seek(seek_to, stream=stream, backward=True)
        except av.error.FFmpegError:
            return None
        frame, landed = _decode_to(container, stream, target, limits, checkpoint)
        if landed or seek_to <= start:
            return frame
        # Without an index (MPEG-TS) a seek lands on any packet, and decoding only starts
        # at the next keyframe: past the target, or at none. Seek earlier, further each time.
        seek_to = max(start, target - back_off)
        back_off *= 2


def _decode_to(
    container: InputContainer,
    stream: VideoStream,
    target: int,
    limits: MediaLimits,
    checkpoint: Callable[[], None],
) -> tuple[VideoFrame | None, bool]:
    """Decode from the current position to the first frame at or after `target`.

    Returns that frame (else the last one before it) and whether decoding started at
    or before `target`, that is, whether the seek landed early enough.
    """
    latest = None
    try:
        for frame in decode(container, [stream], limits):
            if not isinstance(frame, VideoFrame):
                continue
            checkpoint()
            if frame.pts is None:
                return frame, True
            if frame.pts >= target:
                return frame, latest is not None or frame.pts == target
            latest = frame
    except MediaError as error:
        # A damaged tail: the frame decoded closest to the target still makes a poster.
        if error.error.code is not JobErrorCode.DAMAGED_MEDIA:
            raise
    return latest, latest is not None


def _encode(frame: VideoFrame, stream: VideoStream, options: PosterOptions) -> Poster:
    picture = _upright(frame, stream, options.max_width)
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width = picture.width
    encoder.height = picture.height
    encoder.pix_fmt = _JPEG_PIXEL_FORMAT
    encoder.time_base = Fraction(1, 1)
    # Equal bounds fix the quantizer, so the same frame always gives the same bytes.
    encoder.qmin = options.qscale
    encoder.qmax = options.qscale
    picture.pts = 0
    packets = [*encoder.encode(picture), *encoder.encode(None)]
    data = b"".join(bytes(packet) for packet in packets)
    if not data:
        raise RuntimeError("the JPEG encoder returned no data")
    return Poster(data=data, width=picture.width, height=picture.height)


def _upright(frame: VideoFrame, stream: VideoStream, max_width: int) -> VideoFrame:
    """Deinterlaced, turned upright, square-pixelled and scaled, in full-range 4:2:0."""
    rotation = normalized_rotation(frame.rotation)
    shown = display_size(frame.width, frame.height, sample_aspect_ratio(stream), rotation)
    width, height = poster_size(*shown, max_width)
    graph = Graph()
    nodes = [
        graph.add_buffer(
            width=frame.width,
            height=frame.height,
            format=frame.format,
            time_base=frame.time_base or stream.time_base or Fraction(1, 1000),
        )
    ]
    if frame.interlaced_frame:
        nodes.append(graph.add("bwdif", "mode=send_frame:parity=auto:deint=interlaced"))
    nodes.extend(_rotation_filters(graph, rotation))
    nodes.append(graph.add("scale", f"{width}:{height}:out_color_matrix=bt601:out_range=pc"))
    nodes.append(graph.add("format", _JPEG_PIXEL_FORMAT))
    nodes.append(graph.add("buffersink"))
    graph.link_nodes(*nodes).configure()
    graph.vpush(frame)
    # End of input: a deinterlacer holds its one frame back until it knows none follows.
    graph.vpush(None)
    return graph.vpull()


def _rotation_filters(graph: Graph, rotation: int) -> list[FilterContext]:
    # FFmpeg's sign: -90 means the stored picture is turned 90 degrees clockwise for display.
    if rotation == -90:
        return [graph.add("transpose", "clock")]
    if rotation == 90:
        return [graph.add("transpose", "cclock")]
    if rotation == 180:
        return [graph.add("hflip"), graph.add("vflip")]
    return []
