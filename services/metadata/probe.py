"""Describing an upload: its container and primary streams, as a `MediaProbe`.

Plain sync functions, run in the job's worker thread. Only the first video
frame is decoded: its display matrix is the one reliable source of rotation
(phones write no `rotate` tag any more), and it proves the stream decodes at
all. An audio-only file has its first audio frame decoded for the same proof.
"""

from fractions import Fraction
from pathlib import Path

from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Stream
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from contracts.media import AudioStreamInfo, MediaProbe, VideoStreamInfo
from services.common.media import (
    MediaError,
    MediaLimits,
    container_duration,
    first_frame,
    frame_rate,
    open_untrusted,
    primary_audio_stream,
    primary_video_stream,
)

# Language tags that say nothing: "und" is ISO 639-2 for "undetermined".
_NO_LANGUAGE = frozenset({"", "und", "unk", "xxx"})
_MIN_SAR, _MAX_SAR = Fraction(1, 4), Fraction(4)


def probe_media(path: Path, limits: MediaLimits) -> MediaProbe:
    """Open an upload safely and describe it; raises `MediaError` when it cannot be used."""
    with open_untrusted(path, limits) as container:
        return describe(container, size_bytes=path.stat().st_size, limits=limits)


def describe(container: InputContainer, *, size_bytes: int, limits: MediaLimits) -> MediaProbe:
    """Describe an opened container (decodes its first video or audio frame)."""
    video_stream = primary_video_stream(container)
    audio_stream = primary_audio_stream(container)
    if video_stream is None and audio_stream is None:
        raise MediaError(
            JobErrorCode.NO_PLAYABLE_STREAM,
            "The file holds no video or audio stream. Upload a video or audio file.",
        )
    video = None
    if video_stream is not None:
        video = describe_video(container, video_stream, limits)
    elif audio_stream is not None:
        first_frame(container, audio_stream, limits)
    audio = describe_audio(audio_stream) if audio_stream is not None else None
    return MediaProbe(
        container_format=container.format.name,
        duration_seconds=container_duration(container) or _longest_stream(container),
        size_bytes=size_bytes,
        bit_rate=_positive(container.bit_rate),
        video=video,
        audio=audio,
        stream_count=len(container.streams),
    )


def describe_video(
    container: InputContainer, stream: VideoStream, limits: MediaLimits
) -> VideoStreamInfo:
    """The primary video stream, with the rotation of its first decoded frame."""
    frame = first_frame(container, stream, limits)
    context = stream.codec_context
    width = context.width or frame.width
    height = context.height or frame.height
    rotation = normalized_rotation(frame.rotation)
    display_width, display_height = display_size(
        width, height, sample_aspect_ratio(stream), rotation
    )
    rate = frame_rate(stream, container)
    return VideoStreamInfo(
        index=stream.index,
        codec=context.name,
        profile=context.profile or None,
        width=width,
        height=height,
        display_width=display_width,
        display_height=display_height,
        rotation=rotation,
        frame_rate=float(rate) if rate is not None else None,
        pixel_format=context.pix_fmt or frame.format.name,
        bit_rate=_positive(context.bit_rate),
        duration_seconds=stream_duration(stream),
    )


def describe_audio(stream: AudioStream) -> AudioStreamInfo:
    """The primary audio stream, from its headers."""
    context = stream.codec_context
    layout = context.layout
    # An unspecified channel order has no name worth showing ("2 channels").
    known_layout = layout.channels and all(ch.name != "NONE" for ch in layout.channels)
    return AudioStreamInfo(
        index=stream.index,
        codec=context.name,
        channels=context.channels,
        channel_layout=layout.name if known_layout else None,
        sample_rate=context.sample_rate,
        bit_rate=_positive(context.bit_rate),
        duration_seconds=stream_duration(stream),
        language=_language(stream),
    )


def normalized_rotation(degrees: int | float) -> int:
    """A display-matrix angle as one of -90, 0, 90, 180 (FFmpeg's sign: -90 = turn clockwise)."""
    quarter_turns = round(degrees / 90) % 4
    return {0: 0, 1: 90, 2: 180, 3: -90}[quarter_turns]


def sample_aspect_ratio(stream: VideoStream) -> Fraction:
    """The pixel shape: the container's value, else the codec's, else square.

    Real anamorphic pixels stay within 1:4..4:1 (DV is 64:45, HDV 4:3); a stranger
    value is damage or a trap to make the shown picture huge, and is ignored.
    """
    for ratio in (stream.sample_aspect_ratio, stream.codec_context.sample_aspect_ratio):
        if ratio is not None and _MIN_SAR <= ratio <= _MAX_SAR:
            return Fraction(ratio)
    return Fraction(1)


def display_size(width: int, height: int, sar: Fraction, rotation: int) -> tuple[int, int]:
    """Width and height as shown: non-square pixels stretched, then turned by `rotation`."""
    shown_width = max(1, round(width * sar)) if width else 0
    if rotation in (90, -90):
        return height, shown_width
    return shown_width, height


def stream_duration(stream: Stream) -> float | None:
    """A stream's own duration in seconds (a length, whatever its start time), if declared."""
    if not stream.duration or stream.duration <= 0 or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _longest_stream(container: InputContainer) -> float | None:
    durations = [d for d in map(stream_duration, container.streams) if d is not None]
    return max(durations, default=None)


def _language(stream: Stream) -> str | None:
    language = stream.metadata.get("language", "").strip()
    return None if language.lower() in _NO_LANGUAGE else language


def _positive(value: int | None) -> int | None:
    return value if value is not None and value > 0 else None
