"""What a source becomes, decided before any frame is encoded.

A short first pass decodes the source's first picture: only it carries the
display rotation and the interlacing flag, which decide the output's size and
filters. Unusable sources fail here, as typed `MediaError`s.
"""

from dataclasses import dataclass
from fractions import Fraction

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode, JobKind, RenditionKind
from services.common.blobs import output_key
from services.common.media import (
    MediaError,
    container_duration,
    first_frame,
    frame_rate,
    open_untrusted,
    primary_audio_stream,
    primary_video_stream,
    require_decoder,
)
from services.common.worker import JobContext
from services.transcoder.encoding import EncodeOptions
from services.transcoder.geometry import Geometry, plan_geometry

HEADER_DURATION_DEMUXERS = frozenset({"mov", "matroska", "avi", "flv", "asf", "mxf", "flac"})
"""Formats whose header states the duration, so a truncated file decodes short of it.

Elsewhere FFmpeg estimates the duration (from the bitrate for raw MP3 or AAC,
from timestamps that may jump in MPEG-TS captures), and falling short proves nothing.
"""

INTERLACED_FIELD_ORDERS = frozenset({2, 3, 4, 5})
"""`AVFieldOrder` TT, BB, TB, BT: an interlaced stream, even if its first frame is not."""


@dataclass(frozen=True)
class RenditionPlan:
    """What one source becomes, decided before any frame is encoded."""

    name: str
    key: str
    kind: RenditionKind
    muxer: str
    container: str
    content_type: str
    video_index: int | None
    audio_index: int | None
    geometry: Geometry | None
    deinterlace: bool
    frame_rate: Fraction | None
    sample_aspect_ratio: Fraction | None
    start: Fraction
    """Source time that becomes 0 in the output."""
    duration: float | None
    """Duration the source declares, if it does."""
    duration_in_header: bool
    """True when `duration` comes from the file's header, not an estimate."""


def plan_rendition(context: JobContext, options: EncodeOptions) -> RenditionPlan:
    """Open the source, pick its streams and decide the output (raises `MediaError`)."""
    event = context.event
    with open_untrusted(context.source_path, context.limits) as container:
        video = primary_video_stream(container)
        audio = primary_audio_stream(container)
        for stream in (video, audio):
            if stream is not None:
                require_decoder(stream)
        duration = container_duration(container)
        duration_in_header = container.format.name.split(",")[0] in HEADER_DURATION_DEMUXERS
        if video is None:
            if audio is None:
                raise MediaError(
                    JobErrorCode.NO_PLAYABLE_STREAM,
                    "The file contains no audio or video stream. Upload a video or audio file.",
                )
            name = "m4a-audio"
            return RenditionPlan(
                name=name,
                key=output_key(event.owner_id, event.video_id, JobKind.TRANSCODE, f"{name}.m4a"),
                kind=RenditionKind.AUDIO_ONLY,
                muxer="ipod",
                container="m4a",
                content_type="audio/mp4",
                video_index=None,
                audio_index=audio.index,
                geometry=None,
                deinterlace=False,
                frame_rate=None,
                sample_aspect_ratio=None,
                start=_start_time(container, [audio], None),
                duration=duration,
                duration_in_header=duration_in_header,
            )
        first = first_frame(container, video, context.limits)
        sample_aspect_ratio = video.codec_context.sample_aspect_ratio
        geometry = plan_geometry(
            first.width,
            first.height,
            rotation=first.rotation,
            sample_aspect_ratio=sample_aspect_ratio,
            max_short_side=options.max_height,
        )
        name = f"mp4-{geometry.short_side}p"
        streams: list[VideoStream | AudioStream] = [video] if audio is None else [video, audio]
        return RenditionPlan(
            name=name,
            key=output_key(event.owner_id, event.video_id, JobKind.TRANSCODE, f"{name}.mp4"),
            kind=RenditionKind.VIDEO,
            muxer="mp4",
            container="mp4",
            content_type="video/mp4",
            video_index=video.index,
            audio_index=None if audio is None else audio.index,
            geometry=geometry,
            deinterlace=first.interlaced_frame
            or video.codec_context.field_order in INTERLACED_FIELD_ORDERS,
            frame_rate=frame_rate(video),
            sample_aspect_ratio=sample_aspect_ratio,
            start=_start_time(container, streams, first),
            duration=duration,
            duration_in_header=duration_in_header,
        )


def _start_time(
    container: InputContainer,
    streams: list[VideoStream] | list[AudioStream] | list[VideoStream | AudioStream],
    first: VideoFrame | None,
) -> Fraction:
    starts = [
        stream.start_time * stream.time_base
        for stream in streams
        if stream.start_time is not None and stream.time_base is not None
    ]
    if first is not None and first.pts is not None and first.time_base is not None:
        starts.append(first.pts * first.time_base)
    if starts:
        return Fraction(min(starts))
    if container.start_time is not None:
        return Fraction(container.start_time, av.time_base)
    return Fraction(0)
