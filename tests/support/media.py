"""Synthetic test media with known properties, and checkers that decode real output.

Generated with PyAV so the suite needs no sample files and no ffmpeg CLI.
"""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer, OutputContainer


@dataclass(frozen=True)
class MediaSpec:
    """What a generated file holds."""

    duration_seconds: float = 2.0
    width: int = 320
    height: int = 240
    fps: int = 25
    audio: bool = True
    video: bool = True
    sample_rate: int = 44100


def make_media(path: Path, spec: MediaSpec = MediaSpec()) -> Path:
    """Write an H.264/AAC MP4 (or AAC-only M4A) with a moving pattern and a tone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as container:
        video_stream = None
        audio_stream = None
        if spec.video:
            video_stream = container.add_stream("libx264", rate=spec.fps)
            video_stream.width = spec.width
            video_stream.height = spec.height
            video_stream.pix_fmt = "yuv420p"
            video_stream.options = {"preset": "ultrafast", "g": str(spec.fps)}
        if spec.audio:
            audio_stream = container.add_stream("aac", rate=spec.sample_rate)
            audio_stream.layout = "stereo"
        frame_count = round(spec.duration_seconds * spec.fps)
        if video_stream is not None:
            x = np.arange(spec.width, dtype=np.uint16)
            y = np.arange(spec.height, dtype=np.uint16)[:, None]
            for index in range(frame_count):
                red = ((x + index * 4) % 256).astype(np.uint8) * np.ones_like(y, dtype=np.uint8)
                green = ((y + index * 2) % 256).astype(np.uint8) * np.ones_like(x, dtype=np.uint8)
                blue = np.full((spec.height, spec.width), (index * 8) % 256, dtype=np.uint8)
                rgb = np.dstack([red, green, blue])
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = index
                frame.time_base = Fraction(1, spec.fps)
                for packet in video_stream.encode(frame):
                    container.mux(packet)
            for packet in video_stream.encode(None):
                container.mux(packet)
        if audio_stream is not None:
            samples_total = round(spec.duration_seconds * spec.sample_rate)
            chunk = 1024
            for start in range(0, samples_total, chunk):
                count = min(chunk, samples_total - start)
                t = (np.arange(start, start + count) / spec.sample_rate).astype(np.float32)
                tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
                audio_frame = av.AudioFrame.from_ndarray(
                    np.vstack([tone, tone]), format="fltp", layout="stereo"
                )
                audio_frame.sample_rate = spec.sample_rate
                audio_frame.pts = start
                audio_frame.time_base = Fraction(1, spec.sample_rate)
                for packet in audio_stream.encode(audio_frame):
                    container.mux(packet)
            for packet in audio_stream.encode(None):
                container.mux(packet)
    return path


def make_faststart(source: Path, target: Path) -> Path:
    """Remux `source` with its index (moov) first, as phones and web tools write MP4s."""
    with (
        av.open(str(source)) as inp,
        av.open(str(target), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        assert isinstance(inp, InputContainer)
        assert isinstance(out, OutputContainer)
        mapping = {stream.index: out.add_stream_from_template(stream) for stream in inp.streams}
        for packet in inp.demux():
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            out.mux(packet)
    return target


def make_truncated(source: Path, target: Path, keep: float = 0.5) -> Path:
    """The first `keep` share of `source`'s bytes: a header that promises more than follows."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def make_not_media(target: Path) -> Path:
    """A text file with a video's name."""
    target.write_text("This is a plain text file, not a video.\n" * 3)
    return target


@dataclass(frozen=True)
class DecodedMedia:
    """What fully decoding a file found."""

    container_format: str
    duration_seconds: float
    video_frames: int
    audio_frames: int
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None


def decode_fully(path: Path) -> DecodedMedia:
    """Decode every frame of every audio/video stream; raises if any packet fails."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        streams = [s for s in (video, audio) if s is not None]
        video_frames = audio_frames = 0
        end = 0.0
        for packet in container.demux(streams):
            for frame in packet.decode():
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    continue
                if frame.time is not None:
                    duration = (
                        float(frame.duration * frame.time_base)
                        if frame.duration and frame.time_base
                        else 0.0
                    )
                    end = max(end, frame.time + duration)
                if isinstance(frame, av.VideoFrame):
                    video_frames += 1
                else:
                    audio_frames += 1
        return DecodedMedia(
            container_format=container.format.name,
            duration_seconds=end,
            video_frames=video_frames,
            audio_frames=audio_frames,
            width=video.codec_context.width if video else None,
            height=video.codec_context.height if video else None,
            video_codec=video.codec_context.name if video else None,
            audio_codec=audio.codec_context.name if audio else None,
        )
