"""The probing phase: which streams of a source the ladder reads, and what they look like.

One short pass decodes the first picture: only it carries the display rotation
and the interlacing flag. The shared rule of `services.common.media`
(`picture_geometry`, `upright_steps`, `is_interlaced`, `frame_rate`) turns them
into the upright filters and the display size, which decides the rungs: the
size the metadata probe reports. Unusable sources fail here, as typed `MediaError`s.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer

from contracts.enums import JobErrorCode
from services.common.media import (
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
    standard_rate,
    upright_steps,
)
from services.transcoder.ladder.types import FilterStep

HEADER_DURATION_DEMUXERS = frozenset({"mov", "matroska", "avi", "flv", "asf", "mxf", "flac"})
"""Formats whose header states the duration, so a truncated file decodes short of it."""
FALLBACK_FRAME_RATE = Fraction(30)
"""Output rate of a video whose rate cannot be read (no usable header, no timestamps)."""


@dataclass(frozen=True)
class SourcePlan:
    """The streams the ladder reads and the upright picture they give."""

    video_index: int | None
    audio_index: int | None
    start: Fraction
    """Source time, in seconds, that becomes 0 in every output."""
    duration: float | None
    """Duration the source declares, if any (progress and checks)."""
    duration_in_header: bool
    """True when `duration` comes from the file's header, not an estimate."""
    source_frame_rate: Fraction | None
    upright: tuple[FilterStep, ...]
    """Filters turning a decoded picture upright (deinterlace, rotation), before scaling."""
    sample_aspect_ratio: Fraction
    display_width: int = 0
    """Upright picture width in square pixels (0 without video)."""
    display_height: int = 0

    @property
    def has_video(self) -> bool:
        return self.video_index is not None

    def output_frame_rate(self, cap: Fraction) -> Fraction:
        """Constant output rate: the source's (a VFR source's average, snapped to the
        nearest standard rate when close to it), capped."""
        return min(standard_rate(self.source_frame_rate or FALLBACK_FRAME_RATE), cap)


def probe_source(source: Path, limits: MediaLimits) -> SourcePlan:
    """Pick the streams and measure the upright picture (raises `MediaError`)."""
    with open_untrusted(source, limits) as container:
        video = primary_video_stream(container)
        audio = primary_audio_stream(container)
        for stream in (video, audio):
            if stream is not None:
                require_decoder(stream)
        duration = container_duration(container)
        in_header = container.format.name.split(",")[0] in HEADER_DURATION_DEMUXERS
        if video is None:
            if audio is None:
                raise MediaError(
                    JobErrorCode.NO_PLAYABLE_STREAM,
                    "The file contains no audio or video stream. Upload a video or audio file.",
                )
            return SourcePlan(
                video_index=None,
                audio_index=audio.index,
                start=_start_time(container, [audio.start_time], [audio.time_base]),
                duration=duration,
                duration_in_header=in_header,
                source_frame_rate=None,
                upright=(),
                sample_aspect_ratio=Fraction(1),
            )
        first = first_frame(container, video, limits)
        geometry = picture_geometry(video, first)
        upright = upright_steps(geometry, deinterlace=is_interlaced(video, first))
        starts = [video.start_time] + ([audio.start_time] if audio is not None else [])
        bases = [video.time_base] + ([audio.time_base] if audio is not None else [])
        start = _start_time(container, starts, bases)
        if first.pts is not None and first.time_base is not None:
            start = min(start, Fraction(first.pts * first.time_base))
        return SourcePlan(
            video_index=video.index,
            audio_index=None if audio is None else audio.index,
            start=start,
            duration=duration,
            duration_in_header=in_header,
            # Matroska and FLV claim 1000 fps: measured from packet timestamps instead.
            source_frame_rate=frame_rate(video, container),
            upright=tuple(upright),
            sample_aspect_ratio=geometry.sample_aspect_ratio,
            display_width=geometry.display_width,
            display_height=geometry.display_height,
        )


def _start_time(
    container: InputContainer,
    starts: Sequence[int | None],
    time_bases: Sequence[Fraction | None],
) -> Fraction:
    known = [
        Fraction(start * base)
        for start, base in zip(starts, time_bases, strict=True)
        if start is not None and base is not None
    ]
    if known:
        return min(known)
    if container.start_time is not None:
        return Fraction(container.start_time, av.time_base)
    return Fraction(0)


SHORT_DECODE_RATIO = 0.9
SHORT_DECODE_MIN_SECONDS = 0.5


def check_complete(plan: SourcePlan, decoded_end: float) -> None:
    """Raise `MediaError` when a file decodes well short of the duration its header declares."""
    if plan.duration is None or not plan.duration_in_header:
        return
    # A header's duration runs from 0 (Matroska) while the output starts at the first sample.
    declared = max(0.0, plan.duration - float(plan.start))
    missing = declared - decoded_end
    if decoded_end < declared * SHORT_DECODE_RATIO and missing > SHORT_DECODE_MIN_SECONDS:
        raise MediaError(
            JobErrorCode.DAMAGED_MEDIA,
            f"The file is truncated: it declares {declared:.1f} s but only the first "
            f"{decoded_end:.1f} s could be read. Upload the complete original file.",
        )
