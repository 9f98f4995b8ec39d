"""Which streams of a container are the ones to show, and how long they last."""

from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.stream import VideoStream


def primary_video_stream(container: InputContainer) -> VideoStream | None:
    """The first real video stream (cover-art pictures do not count)."""
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    return None


def primary_audio_stream(container: InputContainer) -> AudioStream | None:
    """The default audio stream, else the first one."""
    audio = list(container.streams.audio)
    for stream in audio:
        if stream.disposition & Disposition.default:
            return stream
    return audio[0] if audio else None


def stream_duration(stream: Stream) -> float | None:
    """A stream's own duration in seconds (a length, whatever its start time), if declared."""
    if not stream.duration or stream.duration <= 0 or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)
