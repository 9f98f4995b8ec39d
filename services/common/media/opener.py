"""Opening untrusted media with PyAV, safely.

Every upload is hostile until probed: only local files, only the demuxers and
decoders listed here, bounded stream count, duration and picture size. Errors
come out as `MediaError` carrying a typed `JobError` a person can act on.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.error
from av.container import InputContainer

from contracts.enums import JobErrorCode
from services.common.media.limits import MediaError, MediaLimits

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
