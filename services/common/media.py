"""Opening untrusted media with PyAV, safely.

Every upload is hostile until probed: only local files, only the demuxers and
decoders listed here, bounded stream count, duration and picture size, and a
decode-time budget. Errors come out as `MediaError` carrying a typed
`JobError` a person can act on.
"""

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import overload

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from contracts.errors import JobError

# Demuxers accepted for uploads. Deliberately absent: hls, concat, image2 (file
# patterns), and anything else that follows references written inside a file.
ALLOWED_DEMUXERS = (
    "mov",
    "matroska",
    "avi",
    "flv",
    "gif",
    "mpegts",
    "ogg",
    "mp3",
    "wav",
    "aac",
    "flac",
    "mpeg",
    "asf",
    "mxf",
    "m4v",
    "ac3",
    "eac3",
    "dts",
    "webm_dash_manifest",
)
VIDEO_DECODERS = (
    "h264",
    "hevc",
    "vp8",
    "vp9",
    "av1",
    "libdav1d",
    "mpeg1video",
    "mpeg2video",
    "mpeg4",
    "mjpeg",
    "theora",
    "gif",
    "prores",
    "dnxhd",
    "vc1",
    "wmv3",
    "wmv2",
    "msmpeg4v3",
    "h263",
    "flv",
    "png",
)
AUDIO_DECODERS = (
    "aac",
    "aac_fixed",
    "mp3float",
    "mp3",
    "mp2float",
    "mp2",
    "ac3",
    "ac3_fixed",
    "eac3",
    "opus",
    "libopus",
    "vorbis",
    "flac",
    "alac",
    "dca",
    "wmav2",
    "wmav1",
    "pcm_s16le",
    "pcm_s16be",
    "pcm_s24le",
    "pcm_s24be",
    "pcm_s32le",
    "pcm_f32le",
    "pcm_f64le",
    "pcm_u8",
    "pcm_alaw",
    "pcm_mulaw",
    "truehd",
)
# The decoder may allocate padded frames: leave headroom over the real limit.
_MAX_PIXELS_HEADROOM = 1.7


@dataclass(frozen=True)
class MediaLimits:
    """Bounds on what an upload may demand of a worker."""

    max_duration_seconds: float = 4 * 3600
    max_pixels: int = 7680 * 4320
    max_streams: int = 32
    max_decode_seconds: float = 3600
    open_timeout_seconds: float = 10


class MediaError(Exception):
    """The media cannot be processed; `error` says why in words and in a code."""

    def __init__(self, code: JobErrorCode, message: str, *, retriable: bool = False) -> None:
        super().__init__(message)
        self.error = JobError(code=code, message=message, retriable=retriable)


@contextmanager
def open_untrusted(path: Path, limits: MediaLimits) -> Iterator[InputContainer]:
    """Open an uploaded file for reading, with whitelists and limits applied."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as error:
        raise MediaError(
            JobErrorCode.SOURCE_MISSING,
            "The uploaded file is no longer in storage; upload it again.",
        ) from error
    if size == 0:
        raise MediaError(JobErrorCode.NOT_MEDIA, "The uploaded file is empty.")
    options = {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(ALLOWED_DEMUXERS),
    }
    try:
        container = av.open(
            str(path),
            mode="r",
            options=options,
            timeout=(limits.open_timeout_seconds, limits.open_timeout_seconds),
        )
    except av.error.InvalidDataError as error:
        container_name = sniff_container(path)
        if container_name is not None:
            raise MediaError(
                JobErrorCode.DAMAGED_MEDIA,
                f"The file starts like {container_name} but is incomplete or damaged "
                "(for example an upload or copy that stopped early). "
                "Upload the complete original file.",
            ) from error
        raise MediaError(
            JobErrorCode.NOT_MEDIA,
            "This file is not a video or audio file Echo can read. "
            "Check that you uploaded the right file (for example MP4, MOV, MKV, WebM).",
        ) from error
    except av.error.FFmpegError as error:
        raise MediaError(
            JobErrorCode.UNSUPPORTED_FORMAT,
            "This file's format is not supported. Export it as MP4 (H.264/AAC) and upload again.",
        ) from error
    try:
        _check_container(container, limits)
        yield container
    finally:
        container.close()


_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", "an MP4/MOV file"),
    (0, b"\x1a\x45\xdf\xa3", "a Matroska/WebM file"),
    (0, b"RIFF", "an AVI/WAV file"),
    (0, b"FLV", "an FLV file"),
    (0, b"OggS", "an Ogg file"),
    (0, b"\x00\x00\x01\xba", "an MPEG program stream"),
)


def sniff_container(path: Path) -> str | None:
    """Name the container a file's first bytes announce, for a truthful error message."""
    with path.open("rb") as file:
        head = file.read(16)
    for offset, magic, name in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def _check_container(container: InputContainer, limits: MediaLimits) -> None:
    if len(container.streams) > limits.max_streams:
        raise MediaError(
            JobErrorCode.LIMIT_EXCEEDED,
            f"The file has {len(container.streams)} streams; at most {limits.max_streams} "
            "are accepted.",
        )
    duration = container_duration(container)
    if duration is not None and duration > limits.max_duration_seconds:
        raise MediaError(
            JobErrorCode.LIMIT_EXCEEDED,
            f"The video is {duration / 60:.0f} minutes long; the limit is "
            f"{limits.max_duration_seconds / 60:.0f} minutes.",
        )
    max_pixels = str(int(limits.max_pixels * _MAX_PIXELS_HEADROOM))
    for stream in container.streams.video:
        context = stream.codec_context
        if context.width * context.height > limits.max_pixels:
            raise MediaError(
                JobErrorCode.LIMIT_EXCEEDED,
                f"The video is {context.width}x{context.height}; the largest accepted picture "
                f"has {limits.max_pixels:,} pixels.",
            )
        context.options = {"codec_whitelist": ",".join(VIDEO_DECODERS), "max_pixels": max_pixels}
    for audio in container.streams.audio:
        audio.codec_context.options = {"codec_whitelist": ",".join(AUDIO_DECODERS)}


def container_duration(container: InputContainer) -> float | None:
    """Container duration in seconds, if the file declares one."""
    if container.duration is None or container.duration <= 0:
        return None
    return float(container.duration / av.time_base)


def primary_video_stream(container: InputContainer) -> VideoStream | None:
    """The first real video stream (cover-art pictures do not count)."""
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    return None


def primary_audio_stream(container: InputContainer) -> AudioStream | None:
    """The default audio stream, else the first one."""
    audio = list(container.streams.audio)
    for stream in audio:
        if stream.disposition & Disposition.default:
            return stream
    return audio[0] if audio else None


_STANDARD_RATES = tuple(
    Fraction(rate)
    for rate in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001", "60")
)
_RATE_SAMPLE_PACKETS = 120


def frame_rate(stream: VideoStream, container: InputContainer | None = None) -> Fraction | None:
    """A usable frame rate.

    Matroska and FLV report 1000 fps (their millisecond time base) and guess the
    field rate, often twice the real one. Given the container, such a stream's
    rate is measured from its packet timestamps instead, reading onward from the
    container's current position.
    """
    average = stream.average_rate
    if average and 0 < average <= 240:
        return Fraction(average)
    if container is not None:
        measured = _measured_frame_rate(container, stream)
        if measured is not None:
            return measured
    for rate in (stream.guessed_rate, stream.base_rate):
        if rate and 0 < rate <= 240:
            return Fraction(rate)
    return None


def _measured_frame_rate(container: InputContainer, stream: VideoStream) -> Fraction | None:
    times: list[Fraction] = []
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None and packet.size:
                times.append(packet.pts * packet.time_base)
            if len(times) >= _RATE_SAMPLE_PACKETS:
                break
    except av.error.FFmpegError:
        return None
    times.sort()
    intervals = sorted(b - a for a, b in itertools.pairwise(times) if b > a)
    if not intervals:
        return None
    rate = 1 / intervals[len(intervals) // 2]
    nearest = min(_STANDARD_RATES, key=lambda standard: abs(rate - standard))
    if abs(rate - nearest) <= nearest * Fraction(2, 100):
        return nearest
    return rate.limit_denominator(1001) if 0 < rate <= 240 else None


def decode(
    container: InputContainer,
    streams: list[VideoStream | AudioStream],
    limits: MediaLimits,
    *,
    started_at: float | None = None,
) -> Iterator[VideoFrame | AudioFrame]:
    """Decode the given streams in file order, raising `MediaError` on damage or overrun.

    Zero-size packets (Ogg Theora repeat-frame markers) are skipped: they carry
    no picture and make the decoder fail with EINVAL.
    """
    started = time.monotonic() if started_at is None else started_at
    try:
        for packet in container.demux(streams):
            if packet.size == 0 and packet.pts is not None:
                continue
            for frame in packet.decode():
                if isinstance(frame, VideoFrame | AudioFrame):
                    yield frame
            if time.monotonic() - started > limits.max_decode_seconds:
                raise MediaError(
                    JobErrorCode.LIMIT_EXCEEDED,
                    f"Processing took longer than {limits.max_decode_seconds:.0f} s and was "
                    "stopped.",
                )
    except av.error.FFmpegError as error:
        raise MediaError(
            JobErrorCode.DAMAGED_MEDIA,
            f"The file is damaged or truncated: decoding failed ({error.strerror or error}). "
            "Upload the complete original file.",
        ) from error


def require_decoder(stream: VideoStream | AudioStream) -> None:
    """Refuse a stream whose decoder is not whitelisted, before any byte reaches it."""
    allowed = VIDEO_DECODERS if stream.type == "video" else AUDIO_DECODERS
    name = stream.codec_context.name if stream.codec_context else None
    if name not in allowed:
        raise MediaError(
            JobErrorCode.UNSUPPORTED_CODEC,
            f"The {stream.type} of this file is encoded as {name or 'an unknown codec'}, which "
            "Echo does not decode. Export it as MP4 (H.264 video, AAC audio) and upload again.",
        )


@overload
def first_frame(
    container: InputContainer, stream: VideoStream, limits: MediaLimits
) -> VideoFrame: ...
@overload
def first_frame(
    container: InputContainer, stream: AudioStream, limits: MediaLimits
) -> AudioFrame: ...
def first_frame(
    container: InputContainer, stream: VideoStream | AudioStream, limits: MediaLimits
) -> VideoFrame | AudioFrame:
    """The first frame of `stream` that decodes, from wherever the container is positioned.

    Raises `MediaError` (`no_playable_stream`) when none does: the proof that a
    stream whose header looks fine really plays.
    """
    require_decoder(stream)
    cause: MediaError | None = None
    try:
        for frame in decode(container, [stream], limits):
            if isinstance(frame, VideoFrame | AudioFrame):
                return frame
    except MediaError as error:
        if error.error.code is not JobErrorCode.DAMAGED_MEDIA:
            raise
        cause = error
    # The decoder's own words, when it had any, help whoever exported the file.
    reason = getattr(cause.__cause__, "strerror", None) if cause is not None else None
    codec = stream.codec_context.name
    found = f"{codec}: {reason}" if reason else codec
    raise MediaError(
        JobErrorCode.NO_PLAYABLE_STREAM,
        f"Not a single {stream.type} frame could be decoded from this file ({found}). "
        "The file is damaged, truncated or wrongly encoded: export it again and upload "
        "the new file.",
    ) from cause
