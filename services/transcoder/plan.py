"""What a source becomes, decided before any frame is encoded.

A short first pass decodes the source's first picture: only it carries the
display rotation and the interlacing flag, which decide the output's size and
filters, by the shared rule of `services.common.media`. Unusable sources fail
here, as typed `MediaError`s.
"""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode, RenditionKind
from services.common.media import (
    DisplayGeometry,
    MediaError,
    MediaLimits,
    container_duration,
    first_frame,
    frame_rate,
    is_interlaced,
    open_untrusted,
    picture_geometry,
    primary_audio_stream,
    primary_video_stream,
    require_decoder,
)

MAX_LONG_SIDE = 4096
"""Bound on the longer output side, so an extreme panorama stays a sane H.264 picture."""
HEADER_DURATION_DEMUXERS = frozenset({"mov", "matroska", "avi", "flv", "asf", "mxf", "flac"})
"""Formats whose header states the duration, so a truncated file decodes short of it.

Elsewhere FFmpeg estimates the duration (from the bitrate for raw MP3 or AAC,
from timestamps that may jump in MPEG-TS captures), and falling short proves nothing.
"""


@dataclass(frozen=True)
class VideoPlan:
    """The picture of a rendition: the source's upright geometry, capped."""

    index: int
    """Stream index of the source's video."""
    geometry: DisplayGeometry
    width: int
    height: int
    deinterlace: bool
    frame_rate: Fraction | None

    @property
    def short_side(self) -> int:
        """What the rendition is named after: 720 for both 1280x720 and 720x1280."""
        return min(self.width, self.height)


@dataclass(frozen=True)
class RenditionPlan:
    """What one source becomes, decided before any frame is encoded."""

    name: str
    kind: RenditionKind
    muxer: str
    container: str
    content_type: str
    video: VideoPlan | None
    audio_index: int | None
    start: Fraction
    """Source time that becomes 0 in the output."""
    duration: float | None
    """Duration the source declares, if it does."""
    duration_in_header: bool
    """True when `duration` comes from the file's header, not an estimate."""

    @property
    def filename(self) -> str:
        """The output's name in the job's folder, e.g. `mp4-720p.mp4`."""
        return f"{self.name}.{self.container}"


def plan_rendition(source: Path, limits: MediaLimits, max_short_side: int) -> RenditionPlan:
    """Open the source, pick its streams and decide the output (raises `MediaError`).

    The picture is the source's display size (`DisplayGeometry`), scaled down so
    its shorter side is at most `max_short_side` and its longer at most
    `MAX_LONG_SIDE`, with even sides.
    """
    with open_untrusted(source, limits) as container:
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
            return RenditionPlan(
                name="m4a-audio",
                kind=RenditionKind.AUDIO_ONLY,
                muxer="ipod",
                container="m4a",
                content_type="audio/mp4",
                video=None,
                audio_index=audio.index,
                start=_start_time(container, [audio], None),
                duration=duration,
                duration_in_header=duration_in_header,
            )
        first = first_frame(container, video, limits)
        streams: list[VideoStream | AudioStream] = [video] if audio is None else [video, audio]
        start = _start_time(container, streams, first)
        geometry = picture_geometry(video, first)
        width, height = geometry.fit(max_short_side=max_short_side, max_long_side=MAX_LONG_SIDE)
        picture = VideoPlan(
            index=video.index,
            geometry=geometry,
            width=width,
            height=height,
            deinterlace=is_interlaced(video, first),
            # Measured onward from the first frame: this pass reads no further anyway.
            frame_rate=frame_rate(video, container),
        )
        return RenditionPlan(
            name=f"mp4-{picture.short_side}p",
            kind=RenditionKind.VIDEO,
            muxer="mp4",
            container="mp4",
            content_type="video/mp4",
            video=picture,
            audio_index=None if audio is None else audio.index,
            start=start,
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
