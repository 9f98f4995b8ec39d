"""Encoders of the output tracks: decoded source frames in, muxed packets out.

`VideoTrack` draws pictures with the shared upright filters (deinterlaced,
turned, scaled to square pixels) and encodes them as yuv420p H.264, keeping
every frame's own timestamp (variable frame rate survives). `AudioTrack`
resamples any layout and rate to 48 kHz stereo AAC. Both take timestamps
relative to the source's start, so the output starts at 0.
"""

import logging
from dataclasses import dataclass
from fractions import Fraction

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.resampler import AudioResampler
from av.container import OutputContainer
from av.filter import Graph
from av.packet import Packet
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream

from services.common.media import H264_PICTURE, upright_graph
from services.transcoder.plan import VideoPlan

logger = logging.getLogger(__name__)

VIDEO_TIME_BASE = Fraction(1, 90_000)
"""Fine enough for any source clock (1/1000 Matroska, 1/90000 MPEG-TS, 1/600 QuickTime)."""
AUDIO_RATE = 48_000
AUDIO_LAYOUT = "stereo"
AAC_FRAME_SAMPLES = 1024
DEFAULT_FRAME_RATE = Fraction(30)


@dataclass(frozen=True)
class EncodeOptions:
    """How renditions are encoded (see `TranscoderSettings`)."""

    max_height: int = 720
    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate: int = 128_000
    threads: int = 0


class VideoTrack:
    """An H.264 track whose frames keep their source timestamps, shifted by `start`."""

    def __init__(
        self,
        output: OutputContainer,
        plan: VideoPlan,
        *,
        start: Fraction,
        options: EncodeOptions,
    ) -> None:
        rate = plan.frame_rate or DEFAULT_FRAME_RATE
        # `rate` only informs x264's rate control; timestamps use the fine time base.
        self._stream = output.add_stream("libx264", rate=rate)
        self._stream.width = plan.width
        self._stream.height = plan.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.codec_context.time_base = VIDEO_TIME_BASE
        # Frame threads, as the ffmpeg CLI uses; left alone, libx264 slices each picture
        # across threads instead, 10-25 % slower.
        self._stream.codec_context.thread_type = "FRAME"
        self._stream.options = {
            "preset": options.preset,
            "crf": str(options.crf),
            # No B-frames: MP4 stores durations in decode order, so reordered frames
            # would blur a variable-rate source's timing and its last frame's length.
            "bf": "0",
            "threads": str(options.threads),
        }
        self._output = output
        self._plan = plan
        self._start = start
        self._nominal_ticks = max(1, round(1 / (rate * VIDEO_TIME_BASE)))
        self._graph: Graph | None = None
        self._graph_input: tuple[int, int, str] | None = None
        self._last_pts: int | None = None
        self._last_interval = self._nominal_ticks
        self._end = 0
        self._pending: Packet[VideoStream] | None = None
        self.frames_encoded = 0
        self.frames_dropped = 0

    def add(self, frame: VideoFrame) -> None:
        """Encode one decoded source frame (dropped if its timestamp goes backwards)."""
        pts = self._output_pts(frame)
        if pts is None:
            self.frames_dropped += 1
            return
        if self._last_pts is not None:
            self._last_interval = pts - self._last_pts
        self._last_pts = pts
        duration = self._ticks(frame.duration, frame.time_base) or self._last_interval
        self._end = max(self._end, pts + duration)
        frame.pts = pts
        frame.time_base = VIDEO_TIME_BASE
        # Source picture types would force x264's frame types; let it choose.
        frame.pict_type = PictureType.NONE
        graph = self._graph_for(frame)
        graph.vpush(frame)
        self._drain(graph)

    def flush(self) -> None:
        """Drain the filters and the encoder, and give the last packet the last frame's length."""
        if self._graph is not None:
            self._graph.vpush(None)
            self._drain(self._graph)
        for packet in self._stream.encode(None):
            self._mux(packet)
        if self._pending is not None:
            assert self._pending.pts is not None
            self._pending.duration = max(1, self._end - self._pending.pts)
            self._output.mux(self._pending)
            self._pending = None

    def _output_pts(self, frame: VideoFrame) -> int | None:
        if frame.pts is None or frame.time_base is None:
            # Without a timestamp the frame follows the previous one at the nominal rate.
            return 0 if self._last_pts is None else self._last_pts + self._nominal_ticks
        pts = round((frame.pts * frame.time_base - self._start) / VIDEO_TIME_BASE)
        if pts < 0 or (self._last_pts is not None and pts <= self._last_pts):
            return None
        return pts

    @staticmethod
    def _ticks(duration: int | None, time_base: Fraction | None) -> int:
        if not duration or duration <= 0 or time_base is None:
            return 0
        return round(duration * time_base / VIDEO_TIME_BASE)

    def _graph_for(self, frame: VideoFrame) -> Graph:
        key = (frame.width, frame.height, frame.format.name)
        if self._graph is not None and key == self._graph_input:
            return self._graph
        if self._graph is not None:
            # The source changed size or format mid-stream: finish the old chain first.
            self._graph.vpush(None)
            self._drain(self._graph)
        graph = upright_graph(
            frame,
            self._plan.geometry,
            (self._plan.width, self._plan.height),
            deinterlace=self._plan.deinterlace,
            picture=H264_PICTURE,
            time_base=VIDEO_TIME_BASE,
        )
        self._graph, self._graph_input = graph, key
        return graph

    def _drain(self, graph: Graph) -> None:
        while True:
            try:
                picture = graph.vpull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            # The deinterlacer halves the time base; the encoder rescales from the frame's own.
            self.frames_encoded += 1
            for packet in self._stream.encode(picture):
                self._mux(packet)

    def _mux(self, packet: "Packet[VideoStream]") -> None:
        # Each packet is held until the next one, whose timestamp gives its duration.
        if self._pending is not None:
            assert self._pending.pts is not None
            assert packet.pts is not None
            self._pending.duration = max(1, packet.pts - self._pending.pts)
            self._output.mux(self._pending)
        self._pending = packet


class AudioTrack:
    """An AAC track, 48 kHz stereo: multichannel sources are downmixed."""

    def __init__(self, output: OutputContainer, *, start: Fraction, bitrate: int) -> None:
        self._stream = output.add_stream("aac", rate=AUDIO_RATE)
        self._stream.layout = AUDIO_LAYOUT
        self._stream.bit_rate = bitrate
        self._output = output
        self._start = start
        self._resampler: AudioResampler | None = None
        self._resampler_input: tuple[str, str, int] | None = None
        self._next_sample: int | None = None
        self.frames_encoded = 0

    def add(self, frame: AudioFrame) -> None:
        """Resample and encode one decoded source frame."""
        if self._next_sample is None:
            # Audio may start later than video; the gap is kept, then samples run on
            # contiguously (a source's own gaps and overlaps are not reproduced).
            time = frame.pts * frame.time_base if frame.pts is not None and frame.time_base else 0
            self._next_sample = max(0, round((time - self._start) * AUDIO_RATE))
        for resampled in self._resampler_for(frame).resample(frame):
            self._encode(resampled)

    def flush(self) -> None:
        """Drain the resampler and the encoder."""
        if self._resampler is not None:
            for resampled in self._resampler.resample(None):
                self._encode(resampled)
        for packet in self._stream.encode(None):
            self._output.mux(packet)

    def _resampler_for(self, frame: AudioFrame) -> AudioResampler:
        key = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self._resampler is not None and key == self._resampler_input:
            return self._resampler
        if self._resampler is not None:
            # Layout or rate changed mid-stream (broadcast captures do this).
            for resampled in self._resampler.resample(None):
                self._encode(resampled)
        self._resampler = AudioResampler(
            format="fltp", layout=AUDIO_LAYOUT, rate=AUDIO_RATE, frame_size=AAC_FRAME_SAMPLES
        )
        self._resampler_input = key
        return self._resampler

    def _encode(self, frame: AudioFrame) -> None:
        assert self._next_sample is not None
        frame.pts = self._next_sample
        frame.time_base = Fraction(1, AUDIO_RATE)
        self._next_sample += frame.samples
        self.frames_encoded += 1
        for packet in self._stream.encode(frame):
            self._output.mux(packet)
