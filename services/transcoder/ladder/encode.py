"""The one-pass encoder: decode once, filter once, encode every rung, mux everywhere.

Video: each decoded picture is pushed once into one libavfilter graph that turns it
upright, makes the rate constant (`fps`), then `split`s into one `scale` per rung,
all in C. Each rung has its own libx264 encoder (frame threads) whose packets go to
that rung's HLS muxer and, for the download rung, also to the MP4: the same
packets, never a second encode. Audio is resampled and encoded to AAC once; its
packets go to the audio HLS rendition and to the MP4 (or M4A).

The encoders live in their HLS containers; the download file's streams are
copies of those (`add_stream_from_template`, once the encoders are open and
their parameter sets known).
"""

import contextlib
import itertools
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.filter import Graph
from av.filter.context import FilterContext
from av.packet import Packet
from av.stream import Stream
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits, decode, open_untrusted
from services.transcoder.ladder.rungs import Rung
from services.transcoder.ladder.source import SourcePlan, check_complete
from services.transcoder.ladder.types import LadderCancelledError, LadderOptions

AUDIO_RATE = 48_000
AUDIO_LAYOUT = "stereo"
AAC_FRAME_SAMPLES = 1024
PLAYLIST_NAME = "index.m3u8"
INIT_NAME = "init.mp4"
SEGMENT_PATTERN = "seg_%05d.m4s"
AUDIO_FOLDER = "audio"
DOWNLOAD_VIDEO = "download.mp4"
DOWNLOAD_AUDIO = "download.m4a"


@dataclass(frozen=True)
class PassOutcome:
    """What the encoding pass measured."""

    video_frames: int
    audio_samples: int
    frame_rate: Fraction | None
    video_codecs: dict[str, bytes]
    """Rung name to its encoder's extradata (SPS/PPS), for the CODECS attribute."""
    media_end: float
    """Seconds of output written (the longer of video and audio)."""


ProgressSink = Callable[[float], None]
"""Told the output time reached so far, in seconds."""


SEGMENT_TIME_MARGIN_US = 100
"""How much earlier than a segment's exact length the `hls` muxer is told to cut.

It cuts at the first keyframe at or after `hls_time x n`, counted in whole
microseconds, while keyframes sit at exact multiples of the GOP (2.002 s at 29.97
fps) rounded to the stream's time base (up to 33 us off). 100 us earlier cuts at
the intended keyframe, and the margin adds up to less than a GOP only after
20,000 segments (22 hours; the duration limit is 4)."""


def segment_seconds(options: LadderOptions, rate: Fraction | None) -> Fraction:
    """Exact segment length: whole GOPs of whole frames at the output rate."""
    if rate is None:
        return options.segment_seconds
    return options.segment_gops * keyframe_interval(rate, options.gop_seconds) / rate


def hls_options(folder: Path, segment: Fraction) -> dict[str, str]:
    """FFmpeg `hls` muxer options: VOD, fMP4 (CMAF) segments, names relative to the playlist."""
    microseconds = max(1, int(segment * 1_000_000) - SEGMENT_TIME_MARGIN_US)
    return {
        "hls_time": f"{microseconds / 1_000_000:.6f}",
        "hls_playlist_type": "vod",
        "hls_list_size": "0",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": INIT_NAME,
        "hls_segment_filename": str(folder / SEGMENT_PATTERN),
        "hls_flags": "independent_segments",
    }


def x264_options(rung: Rung, options: LadderOptions, keyint: int) -> dict[str, object]:
    """Capped-quality rate control and fixed closed GOPs, the same in every rung."""
    return {
        "preset": options.preset,
        "crf": str(options.crf),
        "maxrate": str(rung.max_bitrate),
        "bufsize": str(rung.buffer_size),
        # IDR every `keyint` frames exactly, whatever the content: segments then cut at
        # the same instants in every rung.
        "x264-params": f"keyint={keyint}:min-keyint={keyint}:scenecut=0:open-gop=0",
    }


def keyframe_interval(rate: Fraction, gop_seconds: Fraction) -> int:
    return max(1, round(rate * gop_seconds))


class _Fanout:
    """Muxes one encoder's packets into several containers, each in its own time base."""

    def __init__(self, targets: list[tuple[OutputContainer, Stream]]) -> None:
        self.targets = targets

    def mux(self, packets: Iterable["Packet[Any]"]) -> None:
        for packet in packets:
            # `mux` rescales the packet in place: restore it before each target.
            pts, dts, duration, time_base = (
                packet.pts,
                packet.dts,
                packet.duration,
                packet.time_base,
            )
            for index, (container, stream) in enumerate(self.targets):
                if index:
                    packet.pts, packet.dts, packet.duration = pts, dts, duration
                    packet.time_base = time_base
                packet.stream = stream
                container.mux(packet)


class _AudioEncoder:
    """AAC-LC 48 kHz stereo, encoded once, on the output's clock from 0.

    One `aresample` graph resamples, downmixes and follows the source's timestamps:
    a late start and gaps become silence, overlaps are trimmed (as `ffmpeg -async 1`).
    """

    def __init__(self, container: OutputContainer, bitrate: int, start: Fraction) -> None:
        self.stream: AudioStream = container.add_stream("aac", rate=AUDIO_RATE)
        self.stream.layout = AUDIO_LAYOUT
        self.stream.bit_rate = bitrate
        self.stream.codec_context.open()
        self.fanout = _Fanout([(container, self.stream)])
        self._start = start
        self._graph: Graph | None = None
        self._source: FilterContext | None = None
        self._sink: FilterContext | None = None
        self._input: tuple[str, str, int] | None = None
        self._next_input: int | None = None
        self._next_sample = 0
        self.samples = 0

    @property
    def end_seconds(self) -> float:
        return self._next_sample / AUDIO_RATE

    def add(self, frame: AudioFrame) -> None:
        key = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self._graph is None or key != self._input:
            # First frame, or the layout or rate changed mid-stream (broadcast captures).
            self._drain(final=True)
            self._build(frame, key)
        assert self._source is not None
        rate = frame.sample_rate
        if frame.pts is not None and frame.time_base is not None:
            pts = round((frame.pts * frame.time_base - self._start) * rate)
        else:
            pts = self._next_input or 0
        self._next_input = pts + frame.samples
        frame.pts, frame.time_base = pts, Fraction(1, rate)
        self._source.push(frame)
        self._drain()

    def flush(self) -> None:
        self._drain(final=True)
        self.fanout.mux(self.stream.encode(None))

    def _build(self, frame: AudioFrame, key: tuple[str, str, int]) -> None:
        graph = Graph()
        source = graph.add_abuffer(
            format=frame.format.name,
            sample_rate=frame.sample_rate,
            layout=frame.layout.name,
            time_base=Fraction(1, frame.sample_rate),
        )
        # Timestamps drive the samples: silence from 0 to a late first sample and in gaps
        # over 50 ms, overlaps trimmed; `first_pts` continues where the output stands.
        resample = graph.add(
            "aresample",
            f"async=1:min_hard_comp=0.05:first_pts={self._next_sample}:osr={AUDIO_RATE}",
        )
        shape = graph.add(
            "aformat", f"sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts={AUDIO_LAYOUT}"
        )
        sink = graph.add("abuffersink")
        source.link_to(resample)
        resample.link_to(shape)
        shape.link_to(sink)
        graph.configure()
        graph.set_audio_frame_size(AAC_FRAME_SAMPLES)
        self._graph, self._source, self._sink, self._input = graph, source, sink, key

    def _drain(self, *, final: bool = False) -> None:
        if self._source is None or self._sink is None:
            return
        if final:
            self._source.push(None)
        while True:
            try:
                frame = self._sink.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                break
            assert isinstance(frame, AudioFrame)
            frame.pts = self._next_sample
            frame.time_base = Fraction(1, AUDIO_RATE)
            self._next_sample += frame.samples
            self.samples += frame.samples
            self.fanout.mux(self.stream.encode(frame))
        if final:
            self._graph = self._source = self._sink = None


class _VideoLadder:
    """One filter graph (upright, constant rate, split, scale per rung) and an encoder per rung."""

    def __init__(
        self,
        containers: list[OutputContainer],
        rungs: list[Rung],
        plan: SourcePlan,
        rate: Fraction,
        options: LadderOptions,
    ) -> None:
        self.rungs = rungs
        self.rate = rate
        self._plan = plan
        self._options = options
        keyint = keyframe_interval(rate, options.gop_seconds)
        self.streams: list[VideoStream] = []
        self.fanouts: list[_Fanout] = []
        for container, rung in zip(containers, rungs, strict=True):
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = rung.width, rung.height
            stream.pix_fmt = "yuv420p"
            context = stream.codec_context
            context.time_base = 1 / rate
            # Frame threads, as the ffmpeg CLI uses: PyAV's default for an encoder makes
            # libx264 slice its pictures instead, which is 10-25 % slower.
            context.thread_type = "FRAME"
            context.thread_count = options.threads
            stream.options = x264_options(rung, options, keyint)
            context.open()
            self.streams.append(stream)
            self.fanouts.append(_Fanout([(container, stream)]))
        self._graph: Graph | None = None
        self._source: FilterContext | None = None
        self._sinks: list[FilterContext] = []
        self._shape: tuple[int, int, str] | None = None
        self._time_base: Fraction | None = None
        self._start_ticks = 0
        self._nominal_ticks = 1
        self._held: VideoFrame | None = None
        self._repeat_end: Fraction | None = None
        self._last_pts: int | None = None
        self.frames_out = 0
        self.dropped = 0

    @property
    def end_seconds(self) -> float:
        return float(self.frames_out / self.rate)

    def add(self, frame: VideoFrame) -> None:
        if self._graph is None:
            self._build_graph(frame)
        assert self._source is not None
        assert self._time_base is not None
        pts = self._input_pts(frame)
        if pts is None:
            self.dropped += 1
            return
        if (frame.width, frame.height, frame.format.name) != self._shape:
            # The source changed size mid-stream: keep the graph, adapt the picture.
            assert self._shape is not None
            frame = frame.reformat(
                width=self._shape[0], height=self._shape[1], format=self._shape[2]
            )
        frame.pts = pts
        frame.time_base = self._time_base
        if not frame.duration or frame.duration < self._nominal_ticks // 2:
            # FLV and Matroska often state 1 ms or nothing; the `fps` filter takes the last
            # picture's duration to decide where the video ends.
            frame.duration = self._nominal_ticks
        # Source picture types would force x264's frame types (extra IDRs, broken GOPs).
        frame.pict_type = PictureType.NONE
        # Each picture is held until the next arrives: only at the end is the last one's
        # length known (repeat markers may extend it).
        if self._held is not None:
            self._source.push(self._held)
            self._drain()
        self._held = frame

    def repeat_until(self, pts: int, time_base: Fraction) -> None:
        """The source repeats its last picture until `pts` (Ogg Theora's empty packets)."""
        self._repeat_end = max(self._repeat_end or Fraction(0), Fraction(pts * time_base))

    def flush(self) -> None:
        if self._source is not None:
            held = self._held
            if held is not None and self._repeat_end is not None:
                assert held.pts is not None
                assert self._time_base is not None
                end = round(self._repeat_end / self._time_base) - self._start_ticks
                held.duration = max(held.duration, end - held.pts)
            if held is not None:
                self._source.push(held)
                self._held = None
            self._source.push(None)
            self._drain()
        for stream, fanout in zip(self.streams, self.fanouts, strict=True):
            fanout.mux(stream.encode(None))

    def _input_pts(self, frame: VideoFrame) -> int | None:
        assert self._time_base is not None
        if frame.pts is None or frame.time_base is None:
            # Without a timestamp the frame follows the previous one.
            return 0 if self._last_pts is None else self._last_pts + 1
        if frame.time_base == self._time_base:
            pts = frame.pts - self._start_ticks
        else:
            pts = round(frame.pts * frame.time_base / self._time_base) - self._start_ticks
        if pts < 0 or (self._last_pts is not None and pts <= self._last_pts):
            return None
        self._last_pts = pts
        return pts

    def _build_graph(self, frame: VideoFrame) -> None:
        time_base = frame.time_base or Fraction(1, 90_000)
        self._time_base = time_base
        self._start_ticks = round(self._plan.start / time_base)
        self._nominal_ticks = max(1, round(1 / (self.rate * time_base)))
        self._shape = (frame.width, frame.height, frame.format.name)
        graph = Graph()
        graph.threads = self._options.filter_threads
        source = graph.add(
            "buffer",
            video_size=f"{frame.width}x{frame.height}",
            pix_fmt=frame.format.name,
            time_base=str(time_base),
            pixel_aspect=str(self._plan.sample_aspect_ratio),
        )
        chain = [source]
        chain += [graph.add(name, args or None) for name, args in self._plan.upright]
        # Constant rate from the output's first instant: a late first picture is repeated
        # back to 0, gaps are filled, surplus pictures dropped.
        chain.append(graph.add("fps", f"fps={self.rate}:start_time=0:round=near"))
        for upstream, downstream in itertools.pairwise(chain):
            upstream.link_to(downstream)
        split = graph.add("split", str(len(self.rungs)))
        chain[-1].link_to(split)
        for index, rung in enumerate(self.rungs):
            # Full-range sources (yuvj*, camera MJPEG) become the limited range players assume.
            scale = graph.add("scale", f"{rung.width}:{rung.height}:out_range=tv")
            square = graph.add("setsar", "1")
            pixels = graph.add("format", "yuv420p")
            sink = graph.add("buffersink")
            split.link_to(scale, index, 0)
            scale.link_to(square)
            square.link_to(pixels)
            pixels.link_to(sink)
            self._sinks.append(sink)
        graph.configure()
        self._graph, self._source = graph, source

    def _drain(self) -> None:
        for index, sink in enumerate(self._sinks):
            stream, fanout = self.streams[index], self.fanouts[index]
            while True:
                try:
                    picture = sink.pull()
                except (av.error.BlockingIOError, av.error.EOFError):
                    break
                assert isinstance(picture, VideoFrame)
                if index == 0:
                    self.frames_out += 1
                fanout.mux(stream.encode(picture))


def run_pass(
    source: Path,
    staging: Path,
    plan: SourcePlan,
    rungs: list[Rung],
    download: Rung | None,
    options: LadderOptions,
    limits: MediaLimits,
    *,
    on_media_time: ProgressSink,
    should_stop: Callable[[], bool],
) -> PassOutcome:
    """Decode `source` once and write every rendition into `staging` (raises `MediaError`)."""
    started = time.monotonic()
    outputs: list[OutputContainer] = []

    def open_output(
        path: Path, format_name: str, container_options: dict[str, str]
    ) -> OutputContainer:
        path.parent.mkdir(parents=True, exist_ok=True)
        output = av.open(str(path), mode="w", format=format_name, options=container_options)
        outputs.append(output)
        return output

    completed = False
    try:
        with open_untrusted(source, limits) as container:
            video = audio = None
            rate: Fraction | None = None
            if plan.video_index is not None:
                rate = plan.output_frame_rate(options.max_frame_rate)
            segment = segment_seconds(options, rate)
            if rate is not None:
                rung_outputs = [
                    open_output(
                        staging / rung.name / PLAYLIST_NAME,
                        "hls",
                        hls_options(staging / rung.name, segment),
                    )
                    for rung in rungs
                ]
                video = _VideoLadder(rung_outputs, rungs, plan, rate, options)
            if plan.audio_index is not None:
                audio_output = open_output(
                    staging / AUDIO_FOLDER / PLAYLIST_NAME,
                    "hls",
                    hls_options(staging / AUDIO_FOLDER, segment),
                )
                audio = _AudioEncoder(audio_output, options.audio_bitrate, plan.start)
            # The HLS headers carry the encoders' parameter sets, which the download copies.
            for output in outputs:
                output.start_encoding()
            if video is not None:
                assert download is not None
                mp4 = open_output(staging / DOWNLOAD_VIDEO, "mp4", {"movflags": "+faststart"})
                index = rungs.index(download)
                mp4_video = mp4.add_stream_from_template(video.streams[index])
                video.fanouts[index].targets.append((mp4, mp4_video))
                if audio is not None:
                    audio.fanout.targets.append((mp4, mp4.add_stream_from_template(audio.stream)))
            elif audio is not None:
                m4a = open_output(staging / DOWNLOAD_AUDIO, "ipod", {"movflags": "+faststart"})
                audio.fanout.targets.append((m4a, m4a.add_stream_from_template(audio.stream)))
            _decode_into(container, plan, video, audio, limits, started, on_media_time, should_stop)
            if video is not None:
                video.flush()
                if video.frames_out == 0:
                    raise MediaError(
                        JobErrorCode.NO_PLAYABLE_STREAM,
                        "No picture of this video could be decoded. "
                        "Upload the original file again.",
                    )
            if audio is not None:
                audio.flush()
            check_complete(
                plan, max((t.end_seconds for t in (video, audio) if t is not None), default=0)
            )
        for output in outputs:
            output.close()
        completed = True
    finally:
        if not completed:
            _abandon(outputs, staging)
    ends = [track.end_seconds for track in (video, audio) if track is not None]
    return PassOutcome(
        video_frames=0 if video is None else video.frames_out,
        audio_samples=0 if audio is None else audio.samples,
        frame_rate=rate,
        video_codecs=(
            {}
            if video is None
            else {
                rung.name: stream.codec_context.extradata or b""
                for rung, stream in zip(rungs, video.streams, strict=True)
            }
        ),
        media_end=max(ends, default=0.0),
    )


def _decode_into(
    container: InputContainer,
    plan: SourcePlan,
    video: _VideoLadder | None,
    audio: _AudioEncoder | None,
    limits: MediaLimits,
    started: float,
    on_media_time: ProgressSink,
    should_stop: Callable[[], bool],
) -> None:
    streams: list[VideoStream | AudioStream] = []
    if video is not None:
        video_in = next(s for s in container.streams.video if s.index == plan.video_index)
        video_in.thread_type = "AUTO"
        streams.append(video_in)
    if audio is not None:
        streams.append(next(s for s in container.streams.audio if s.index == plan.audio_index))
    for frame in decode(
        container, streams, limits, started_at=started, on_empty_packet=_repeats_of(video)
    ):
        if should_stop():
            raise LadderCancelledError
        if isinstance(frame, VideoFrame):
            assert video is not None
            video.add(frame)
            on_media_time(video.end_seconds)
        else:
            assert audio is not None
            audio.add(frame)
            if video is None:
                on_media_time(audio.end_seconds)


def _repeats_of(video: _VideoLadder | None) -> Callable[["Packet[Any]"], None] | None:
    """Tells `video` where an empty repeat packet (Ogg Theora) extends its last picture."""
    if video is None:
        return None

    def repeat(packet: "Packet[Any]") -> None:
        if packet.stream.type == "video" and packet.time_base and packet.pts is not None:
            video.repeat_until(packet.pts + max(1, packet.duration or 0), packet.time_base)

    return repeat


def _abandon(outputs: list[OutputContainer], staging: Path) -> None:
    # Files go first, so closing the muxers (which writes trailers, and for a faststart
    # MP4 rewrites the file) finds nothing to rewrite and costs no time.

    shutil.rmtree(staging, ignore_errors=True)
    for output in outputs:
        with contextlib.suppress(av.error.FFmpegError, OSError, ValueError):
            output.close()
    shutil.rmtree(staging, ignore_errors=True)
