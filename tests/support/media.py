"""Synthetic test media with known properties, and checkers that decode real output.

Generated with PyAV so the suite needs no sample files and no ffmpeg CLI.
`make_media` writes plain H.264/AAC; `write_source` adds what phones, cameras
and broadcasts produce: rotation (display matrix), non-square pixels,
interlacing, variable frame rate, other pixel formats, surround sound,
timestamps far from zero. The real corpus, when present, is `corpus_files()`.
"""

import io
import itertools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from av.container import InputContainer, OutputContainer
from av.video.stream import VideoStream

SHARED_MEDIA_DIR = Path(__file__).resolve().parents[3] / "shared" / "media"
"""The shared corpus of real files; absent in a lone clone."""
MANIFEST = SHARED_MEDIA_DIR / "MANIFEST.md"
"""Where the corpus describes each of its files, one table row each."""
CORPUS_MARKS = (
    pytest.mark.corpus,
    pytest.mark.skipif(not MANIFEST.exists(), reason="no shared media corpus here"),
)
"""A corpus test's marks: selected by `-m corpus`, skipped where the corpus is absent."""


def corpus_files() -> list[str]:
    """Names of the corpus files in `MANIFEST.md` order; none where the corpus is absent."""
    if not MANIFEST.exists():
        return []
    return re.findall(r"^\| \d+ \| `([^`]+)` \|", MANIFEST.read_text(), flags=re.MULTILINE)


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
                container.mux(video_stream.encode(frame))
            container.mux(video_stream.encode(None))
        if audio_stream is not None:
            _write_tone(
                container, audio_stream, start=0, end=spec.duration_seconds, layout="stereo"
            )
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


@dataclass(frozen=True)
class VideoSource:
    """What `write_source` puts in a file."""

    width: int = 320
    height: int = 240
    frame_times: tuple[float, ...] = tuple(index / 25 for index in range(50))
    """Presentation time of each frame, in seconds (uneven spacing makes it VFR)."""
    last_frame_seconds: float = 1 / 25
    time_base: Fraction = Fraction(1, 1000)
    declared_rate: int = 25
    """Frame rate the stream header states. 1000 mimics real Matroska and FLV files, whose
    header gives their millisecond time base, so the real rate must be measured."""
    pix_fmt: str = "yuv420p"
    rotation: int | None = None
    """Display-matrix angle (`VideoFrame.rotation`'s sign: -90 is shown turned clockwise)."""
    sample_aspect_ratio: Fraction | None = None
    """Pixel shape declared by the codec and the container (anamorphic when not 1)."""
    interlaced: bool = False
    """Encode interlaced, top field first: the stream's field order and every frame say so."""
    top_stripe: bool = False
    """Paint the top eighth of every stored picture white, to see where it ends up."""
    audio_layout: str | None = "stereo"
    audio_rate: int = 44_100
    container_format: str = "mp4"
    x264_options: dict[str, str] = field(default_factory=dict)
    colour: tuple[int, int, int] | None = None
    """FFmpeg's numbers for (primaries, transfer, matrix) to declare, e.g. (9, 16, 9) for HDR10."""

    @property
    def duration(self) -> float:
        return self.frame_times[-1] + self.last_frame_seconds


def write_source(path: Path, spec: VideoSource) -> Path:
    """Write an H.264 (+ AAC) file whose frames sit exactly at `spec.frame_times`."""
    with av.open(str(path), mode="w", format=spec.container_format) as container:
        assert isinstance(container, OutputContainer)
        video = container.add_stream("libx264", rate=spec.declared_rate)
        video.width, video.height = spec.width, spec.height
        video.pix_fmt = spec.pix_fmt
        video.codec_context.time_base = spec.time_base
        options: dict[str, object] = {"preset": "ultrafast", "bf": "0", **spec.x264_options}
        if spec.interlaced:
            options |= {"flags": "+ildct+ilme", "x264-params": "tff=1"}
        video.options = options
        if spec.rotation is not None:
            video.set_display_rotation(spec.rotation)
        if spec.sample_aspect_ratio is not None:
            video.sample_aspect_ratio = spec.sample_aspect_ratio
        if spec.colour is not None:
            context = video.codec_context
            context.color_primaries, context.color_trc, context.colorspace = spec.colour
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
            _write_tone(
                container,
                audio,
                start=spec.frame_times[0],
                end=spec.duration,
                layout=spec.audio_layout or "stereo",
            )
    return path


def _write_tone(
    container: OutputContainer,
    audio: av.audio.stream.AudioStream,
    *,
    start: float,
    end: float,
    layout: str,
) -> None:
    """Encode a 440 Hz tone from `start` to `end` seconds on every channel of `layout`."""
    rate = audio.codec_context.sample_rate
    channels = len(av.AudioLayout(layout).channels)
    first = round(start * rate)
    total = round(end * rate) - first
    for offset in range(0, total, 1024):
        count = min(1024, total - offset)
        t = np.arange(offset, offset + count, dtype=np.float32) / rate
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.vstack([tone] * channels), format="fltp", layout=layout
        )
        frame.sample_rate = rate
        frame.pts = first + offset
        frame.time_base = Fraction(1, rate)
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


def make_fade_in(
    path: Path,
    *,
    black_seconds: float = 4.0,
    fade_seconds: float = 2.0,
    total_seconds: float = 10.0,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
) -> Path:
    """An H.264 MP4 that is black for `black_seconds`, fades in over `fade_seconds`, then
    shows a sharp moving checkerboard; a keyframe every second."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    with av.open(str(path), mode="w") as container:
        assert isinstance(container, OutputContainer)
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "g": str(fps), "sc_threshold": "0"}
        for index in range(round(total_seconds * fps)):
            seconds = index / fps
            level = min(max((seconds - black_seconds) / fade_seconds, 0.0), 1.0)
            board = (((x + index) // 8 + y // 8) % 2 * 200 + 30).astype(np.float32)
            grey = (board * level).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(np.dstack([grey] * 3), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def make_still_image(path: Path, codec: str = "png") -> Path:
    """A single 64x48 picture as a PNG (`png`) or JPEG (`mjpeg`) file."""
    pixels = np.zeros((48, 64, 3), dtype=np.uint8)
    pixels[:, :, 0] = np.arange(64, dtype=np.uint8) * 4
    with av.open(str(path), mode="w", format="image2") as container:
        assert isinstance(container, OutputContainer)
        stream = container.add_stream(codec, rate=1)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "rgb24" if codec == "png" else "yuvj420p"
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


# Storyboards: the WebVTT parsed and checked against its sprite.

_TIME = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
_CUE = re.compile(rf"^{_TIME} --> {_TIME}\n([^#\n]+)#xywh=(\d+),(\d+),(\d+),(\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    image: str
    rect: tuple[int, int, int, int]


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_vtt(text: str) -> list[Cue]:
    """Every cue of a storyboard VTT; fails unless the whole text is header and such cues."""
    assert text.startswith("WEBVTT\n\n")
    cues = [
        Cue(
            _seconds(*m.groups()[0:4]),
            _seconds(*m.groups()[4:8]),
            m[9],
            (int(m[10]), int(m[11]), int(m[12]), int(m[13])),
        )
        for m in _CUE.finditer(text)
    ]
    blocks = [block for block in text.split("\n\n")[1:] if block.strip()]
    assert len(blocks) == len(cues), "a block is not a storyboard cue"
    return cues


def sprite_size(path: Path) -> tuple[int, int]:
    """Width and height of a sprite JPEG, decoded."""
    with av.open(io.BytesIO(path.read_bytes())) as container:
        assert isinstance(container, InputContainer)
        frame = next(container.decode(video=0))
    return frame.width, frame.height


def check_storyboard(vtt: Path, sprite: Path, duration: float) -> list[Cue]:
    """The VTT parses, its cues cover [0, duration] in order without gaps, and every
    rectangle lies inside the sprite, which it names."""
    cues = parse_vtt(vtt.read_text())
    assert cues
    width, height = sprite_size(sprite)
    assert cues[0].start == 0
    assert abs(cues[-1].end - duration) <= 0.002
    for previous, cue in itertools.pairwise(cues):
        assert cue.start == previous.end
    for cue in cues:
        x, y, w, h = cue.rect
        assert cue.end > cue.start
        assert cue.image == sprite.name
        assert w > 0
        assert h > 0
        assert x + w <= width
        assert y + h <= height
    return cues
