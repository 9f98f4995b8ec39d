"""Synthetic sources for the transcoder's corner cases, written with PyAV.

`tests.support.media.make_media` covers the plain H.264/AAC cases; these add
what phones, cameras and broadcasts produce: rotation, variable frame rate,
interlacing, other pixel formats, surround sound, timestamps far from zero.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer, OutputContainer


@dataclass(frozen=True)
class VideoSource:
    """What `write_source` puts in a file."""

    width: int = 320
    height: int = 240
    frame_times: tuple[float, ...] = tuple(index / 25 for index in range(50))
    """Presentation time of each frame, in seconds (uneven spacing makes it VFR)."""
    last_frame_seconds: float = 1 / 25
    time_base: Fraction = Fraction(1, 1000)
    pix_fmt: str = "yuv420p"
    rotation: int | None = None
    interlaced: bool = False
    top_stripe: bool = False
    """Paint the top eighth of every stored picture white, to see where it ends up."""
    audio_layout: str | None = "stereo"
    audio_rate: int = 44_100
    container_format: str = "mp4"
    x264_options: dict[str, str] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.frame_times[-1] + self.last_frame_seconds


def write_source(path: Path, spec: VideoSource) -> Path:
    """Write an H.264 (+ AAC) file whose frames sit exactly at `spec.frame_times`."""
    with av.open(str(path), mode="w", format=spec.container_format) as container:
        assert isinstance(container, OutputContainer)
        video = container.add_stream("libx264", rate=25)
        video.width, video.height = spec.width, spec.height
        video.pix_fmt = spec.pix_fmt
        video.codec_context.time_base = spec.time_base
        options: dict[str, object] = {"preset": "ultrafast", "bf": "0", **spec.x264_options}
        if spec.interlaced:
            options |= {"flags": "+ildct+ilme", "x264-params": "tff=1"}
        video.options = options
        if spec.rotation is not None:
            video.set_display_rotation(spec.rotation)
        audio = None
        if spec.audio_layout is not None:
            audio = container.add_stream("aac", rate=spec.audio_rate)
            audio.layout = spec.audio_layout
        pattern_x = np.arange(spec.width, dtype=np.uint16)
        for index, seconds in enumerate(spec.frame_times):
            red = ((pattern_x + index * 4) % 256).astype(np.uint8)
            rgb = np.zeros((spec.height, spec.width, 3), dtype=np.uint8)
            rgb[:, :, 0] = red
            rgb[:, :, 1] = (index * 8) % 256
            if spec.top_stripe:
                rgb[:, :, :] = 0
                rgb[: spec.height // 8, :, :] = 255
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = round(seconds / spec.time_base)
            frame.time_base = spec.time_base
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None:
            _write_tone(container, audio, spec)
    return path


def _write_tone(
    container: OutputContainer, audio: av.audio.stream.AudioStream, spec: VideoSource
) -> None:
    layout = spec.audio_layout or "stereo"
    channels = len(av.AudioLayout(layout).channels)
    start = round(spec.frame_times[0] * spec.audio_rate)
    total = round(spec.duration * spec.audio_rate) - start
    for offset in range(0, total, 1024):
        count = min(1024, total - offset)
        t = np.arange(offset, offset + count, dtype=np.float32) / spec.audio_rate
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.vstack([tone] * channels), format="fltp", layout=layout
        )
        frame.sample_rate = spec.audio_rate
        frame.pts = start + offset
        frame.time_base = Fraction(1, spec.audio_rate)
        container.mux(audio.encode(frame))
    container.mux(audio.encode(None))


def first_frame(path: Path) -> av.VideoFrame:
    """The first decoded picture of a file."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        return next(container.decode(video=0))


def frame_times(path: Path) -> list[float]:
    """Presentation time of every decoded picture, in seconds."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        return [float(frame.time) for frame in container.decode(video=0)]


def audio_layout(path: Path) -> tuple[str, int]:
    """Channel layout and sample rate of the first audio stream."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        context = container.streams.audio[0].codec_context
        return context.layout.name, context.sample_rate
