"""Describing an upload as plain data shaped like `contracts.media.MediaProbe`.

PyAV and the shared media helpers only, no pydantic: `probe.probe_media`
validates this data into the contract, and `python -m services.metadata.describe
FILE` prints it as JSON from a process that starts about as fast as `ffprobe`.

The first frame of the primary video stream is decoded: its display matrix is the
one reliable source of rotation, and it proves the stream decodes at all. An
audio-only file has its first audio frame decoded for the same proof. Display
size, rotation and frame rate follow the shared rules (`services.common.media`),
so a rendition has the size described here.
"""

import contextlib
import json
import sys
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from services.common.media import (
    DisplayGeometry,
    MediaError,
    MediaLimits,
    container_duration,
    declared_sample_aspect_ratio,
    display_geometry,
    first_frame,
    frame_rate,
    is_interlaced,
    open_untrusted,
    picture_geometry,
    primary_audio_stream,
    primary_video_stream,
    stream_duration,
)
from services.metadata.colour import HDR_TRANSFERS, colour_names
from services.metadata.notices import Notices
from services.metadata.still import image_kind, still_image_error
from services.metadata.timing import stream_timing

Facts = dict[str, object]
"""JSON-ready data, keyed by the contract's field names."""

# Language tags that say nothing: "und" is ISO 639-2 for "undetermined".
_NO_LANGUAGE = frozenset({"", "und", "unk", "xxx"})
_FIELD_ORDERS = {1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
_LOCATION_TAGS = ("location", "com.apple.quicktime.location.ISO6709")
_ENCODER_TAGS = ("encoder", "com.apple.quicktime.software", "software")


def read_facts(path: Path, limits: MediaLimits) -> Facts:
    """Open an upload safely and describe it; raises `MediaError` when it cannot be used."""
    try:
        with open_untrusted(path, limits) as container:
            return describe(container, size_bytes=path.stat().st_size, limits=limits)
    except MediaError as error:
        kind = image_kind(path) if error.error.code is not JobErrorCode.SOURCE_MISSING else None
        if kind is not None:
            raise still_image_error(kind) from error
        raise


def describe(container: InputContainer, *, size_bytes: int, limits: MediaLimits) -> Facts:
    """Describe an opened container (decodes its first video or audio frame)."""
    video_stream = primary_video_stream(container)
    audio_stream = primary_audio_stream(container)
    if video_stream is None and audio_stream is None:
        raise MediaError(
            JobErrorCode.NO_PLAYABLE_STREAM,
            "The file holds no video or audio stream. Upload a video or audio file.",
        )
    declared = container_duration(container)
    used = _used_duration([video_stream, audio_stream]) or declared
    if used is not None and used > limits.max_duration_seconds:
        raise MediaError(
            JobErrorCode.LIMIT_EXCEEDED,
            f"The video is {used / 60:.0f} minutes long; the limit is "
            f"{limits.max_duration_seconds / 60:.0f} minutes.",
        )
    notices = Notices()
    video = None
    if video_stream is not None:
        video = _primary_video(container, video_stream, limits, notices, audio_stream is None)
    elif audio_stream is not None:
        first_frame(container, audio_stream, limits)
        notices.audio_only()
    videos = [
        video if video is not None and stream is video_stream else _video_headers(stream)
        for stream in container.streams.video
        if not stream.disposition & Disposition.attached_pic
    ]
    audios = [_audio(stream) for stream in container.streams.audio]
    notices.streams(videos=len(videos), audios=len(audios))
    notices.durations(declared, used)
    return {
        "container_format": container.format.name,
        "duration_seconds": used,
        "size_bytes": size_bytes,
        "bit_rate": _positive(container.bit_rate),
        "video": video,
        "audio": _audio(audio_stream) if audio_stream is not None else None,
        "stream_count": len(container.streams),
        "container_duration_seconds": declared,
        "start_time_seconds": _seconds(container.start_time, Fraction(1, av.time_base)),
        "tags": _tags(container),
        "video_streams": videos,
        "audio_streams": audios,
        "subtitle_streams": [_subtitle(stream) for stream in container.streams.subtitles],
        "notices": notices.found,
    }


def _primary_video(
    container: InputContainer,
    stream: VideoStream,
    limits: MediaLimits,
    notices: Notices,
    silent: bool,
) -> Facts:
    frame = first_frame(container, stream, limits)
    geometry = picture_geometry(stream, frame)
    # Measured from after the first frame, as the transcoder measures it, so both agree.
    rate = frame_rate(stream, container)
    _rewind(container)
    timing = stream_timing(container, stream)
    if silent and timing.frames <= 1:
        raise still_image_error(f"a single {stream.codec_context.name} picture")
    facts = _video_headers(stream, geometry, frame)
    facts |= {
        "frame_rate": float(rate) if rate is not None else None,
        "variable_frame_rate": timing.variable,
        "keyframe_interval_seconds": timing.keyframe_interval_seconds,
    }
    notices.video(facts, geometry, interlaced=is_interlaced(stream, frame))
    return facts


def _rewind(container: InputContainer) -> None:
    # Zero, not the start time: in MPEG-TS a seek to the start time can land past it.
    # Should the seek fail, what follows is read from where decoding stopped.
    with contextlib.suppress(av.error.FFmpegError):
        container.seek(0)


def _video_headers(
    stream: VideoStream,
    geometry: DisplayGeometry | None = None,
    frame: VideoFrame | None = None,
) -> Facts:
    """A video stream from its headers; the primary one's frame adds rotation and format."""
    context = stream.codec_context
    width = context.width or (frame.width if frame else 0)
    height = context.height or (frame.height if frame else 0)
    if geometry is None:
        geometry = display_geometry(
            max(width, 1), max(height, 1), sample_aspect_ratio=declared_sample_aspect_ratio(stream)
        )
    pixel_format = context.format or (frame.format if frame else None)
    colours = colour_names(context)
    field_order = _FIELD_ORDERS.get(context.field_order)
    if field_order is None and frame is not None and not frame.interlaced_frame:
        field_order = "progressive"
    sar = geometry.sample_aspect_ratio
    dar = Fraction(width * sar.numerator, height * sar.denominator) if width and height else None
    return {
        "index": stream.index,
        "codec": context.name,
        "profile": context.profile or None,
        "width": width,
        "height": height,
        "display_width": geometry.display_width,
        "display_height": geometry.display_height,
        "rotation": geometry.rotation,
        "frame_rate": None,
        "pixel_format": pixel_format.name if pixel_format else None,
        "bit_rate": _positive(context.bit_rate),
        "duration_seconds": stream_duration(stream),
        "level": context.level if context.level > 0 else None,
        "bit_depth": max((c.bits for c in pixel_format.components), default=None)
        if pixel_format
        else None,
        "sample_aspect_ratio": f"{sar.numerator}:{sar.denominator}",
        "display_aspect_ratio": f"{dar.numerator}:{dar.denominator}" if dar else None,
        "average_frame_rate": _rate(stream.average_rate),
        "nominal_frame_rate": _rate(stream.base_rate),
        "variable_frame_rate": False,
        "field_order": field_order,
        **colours,
        "hdr": HDR_TRANSFERS.get(colours["color_transfer"] or ""),
        "keyframe_interval_seconds": None,
        "start_time_seconds": _seconds(stream.start_time, stream.time_base),
        "language": _language(stream),
        "default": bool(stream.disposition & Disposition.default),
    }


def _audio(stream: AudioStream) -> Facts:
    context = stream.codec_context
    layout = context.layout
    # An unspecified channel order has no name worth showing ("2 channels").
    known_layout = layout.channels and all(ch.name != "NONE" for ch in layout.channels)
    return {
        "index": stream.index,
        "codec": context.name,
        "channels": context.channels,
        "channel_layout": layout.name if known_layout else None,
        "sample_rate": context.sample_rate,
        "bit_rate": _positive(context.bit_rate),
        "duration_seconds": stream_duration(stream),
        "language": _language(stream),
        "profile": context.profile or None,
        "default": bool(stream.disposition & Disposition.default),
    }


def _subtitle(stream: Stream) -> Facts:
    context = stream.codec_context
    return {
        "index": stream.index,
        "codec": context.name if context is not None else "unknown",
        "language": _language(stream),
        "title": stream.metadata.get("title") or None,
        "default": bool(stream.disposition & Disposition.default),
        "forced": bool(stream.disposition & Disposition.forced),
    }


def _tags(container: InputContainer) -> Facts:
    tags = container.metadata
    created = tags.get("creation_time")
    return {
        "title": tags.get("title") or None,
        "creation_time": _timestamp(created) if created else None,
        "location": next((tags[name] for name in _LOCATION_TAGS if tags.get(name)), None),
        "encoder": next((tags[name] for name in _ENCODER_TAGS if tags.get(name)), None),
    }


def _used_duration(streams: list[VideoStream | AudioStream | None]) -> float | None:
    durations = [stream_duration(s) for s in streams if s is not None]
    return max((d for d in durations if d is not None), default=None)


def _timestamp(text: str) -> str | None:
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None  # free text some devices write: not a time a program can use


def _seconds(timestamp: int | None, time_base: Fraction | None) -> float | None:
    if timestamp is None or time_base is None:
        return None
    return float(timestamp * time_base)


def _rate(rate: Fraction | None) -> float | None:
    return float(rate) if rate else None


def _language(stream: Stream) -> str | None:
    language = stream.metadata.get("language", "").strip()
    return None if language.lower() in _NO_LANGUAGE else language


def _positive(value: int | None) -> int | None:
    return value if value is not None and value > 0 else None


def main() -> None:
    """Print the description of the file named on the command line, as JSON; a file
    that cannot be used prints its typed error to stderr and exits with status 1."""
    try:
        facts = read_facts(Path(sys.argv[1]), MediaLimits())
    except MediaError as error:
        sys.exit(error.error.model_dump_json())
    json.dump(facts, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
