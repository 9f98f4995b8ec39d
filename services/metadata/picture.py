"""Pictures from an upload's video: keyframes found by seeking, drawn upright, written as JPEG.

Shared by the poster and the storyboard. A keyframe decodes on its own, so one
picture costs a seek and one decoded frame, whatever the length of the video;
the upright filters are the transcoder's (`services.common.media.upright_graph`).
"""

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from services.common.media import (
    JPEG_PICTURE,
    MediaError,
    MediaLimits,
    container_duration,
    first_frame,
    is_interlaced,
    picture_geometry,
    primary_video_stream,
    require_decoder,
    stream_duration,
    upright_graph,
)

_MAX_PACKETS_PER_PICTURE = 16
Checkpoint = Callable[[], None]
"""Called between units of work; raises to stop (the job's cancellation check)."""


def keep_going() -> None:
    """A checkpoint that never stops."""


def video_stream(container: InputContainer) -> VideoStream:
    """The primary video stream, ready to decode single pictures; `MediaError` if none."""
    stream = primary_video_stream(container)
    if stream is None:
        raise MediaError(JobErrorCode.NO_PLAYABLE_STREAM, "The file has no video stream.")
    require_decoder(stream)
    # Frame threads hold each picture back until several more are queued; slices do not.
    stream.codec_context.thread_type = "SLICE"
    return stream


def first_picture(
    container: InputContainer, stream: VideoStream, limits: MediaLimits
) -> VideoFrame:
    """The first frame that decodes, from the start: when seeking found nothing, this
    proves whether anything does (`MediaError` `no_playable_stream` if not)."""
    container.seek(0)
    return first_frame(container, stream, limits)


def video_duration(container: InputContainer, stream: VideoStream) -> float:
    """The video stream's own length, else the container's, else 0."""
    return stream_duration(stream) or container_duration(container) or 0.0


class KeyframeReader:
    """Decodes the keyframe at or before a time.

    Seeks are in the stream's time base from its start time (timestamps can start
    far from 0). Packets before the keyframe never reach the decoder; after it,
    only as many as the decoder needs to give the picture out (the second field of
    an interlaced picture, the reordering delay of B-frames). Without an index
    (MPEG-TS, Ogg) a seek can land past the time, so it is retried earlier.
    """

    def __init__(self, container: InputContainer, stream: VideoStream) -> None:
        self.container = container
        self.stream = stream
        self.time_base = stream.time_base or Fraction(1, 90_000)
        self.start = stream.start_time or 0

    def at(self, seconds: float) -> tuple[int, VideoFrame] | None:
        """(keyframe pts, picture) for `seconds`; None when nothing decodes there."""
        target = self.start + int(seconds / self.time_base)
        back_off = max(1, int(1 / self.time_base))
        seek_to, found = target, None
        while True:
            landed = self._decode_from(seek_to)
            if landed is not None and (found is None or landed[0] < found[0]):
                found = landed
            if (found is not None and found[0] <= target) or seek_to <= self.start:
                return found
            seek_to = max(self.start, target - back_off)
            back_off *= 2

    def _decode_from(self, timestamp: int) -> tuple[int, VideoFrame] | None:
        context = self.stream.codec_context
        key: int | None = None
        fed = 0
        try:
            self.container.seek(timestamp, stream=self.stream, backward=True)
            for packet in self.container.demux(self.stream):
                if packet.pts is None or not packet.size:
                    continue
                if key is None and not packet.is_keyframe:
                    continue
                key = packet.pts if key is None else key
                frames = packet.decode()
                if frames:
                    return key, frames[0]
                fed += 1
                if fed >= _MAX_PACKETS_PER_PICTURE:
                    break
            frames = context.decode(None) if key is not None else []
        # Damage here, or a stream appearing mid-file (PyAV's demux raises IndexError):
        # the caller tries elsewhere.
        except (av.error.FFmpegError, IndexError):
            return None
        return (key, frames[0]) if key is not None and frames else None


def upright(frame: VideoFrame, stream: VideoStream, size: tuple[int, int]) -> VideoFrame:
    """`frame` deinterlaced, turned upright, square-pixelled and scaled, as JPEG pixels."""
    graph = upright_graph(
        frame,
        picture_geometry(stream, frame),
        size,
        deinterlace=is_interlaced(stream, frame),
        picture=JPEG_PICTURE,
        time_base=frame.time_base or stream.time_base or Fraction(1, 1000),
    )
    graph.vpush(frame)
    graph.vpush(None)
    picture = graph.vpull()
    assert isinstance(picture, VideoFrame)
    return picture


def encode_jpeg(picture: VideoFrame, qscale: int) -> bytes:
    """A JPEG of a full-range 4:2:0 picture; the same picture always gives the same bytes."""
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width = picture.width
    encoder.height = picture.height
    encoder.pix_fmt = JPEG_PICTURE.pixel_format
    encoder.time_base = Fraction(1, 1)
    # Equal bounds fix the quantizer, so the output is deterministic.
    encoder.qmin = qscale
    encoder.qmax = qscale
    picture.pts = 0
    data = b"".join(bytes(p) for p in [*encoder.encode(picture), *encoder.encode(None)])
    if not data:
        raise RuntimeError("the JPEG encoder returned no data")
    return data


def write_complete(path: Path, data: bytes) -> Path:
    """Write `data` to `path` so that `path` only ever holds the complete file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
