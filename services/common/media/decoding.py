"""Decoding untrusted streams: whitelisted decoders, a time budget, typed damage."""

import time
from collections.abc import Callable, Iterator
from typing import Any, overload

import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode
from services.common.media.limits import MediaError, MediaLimits
from services.common.media.opener import AUDIO_DECODERS, VIDEO_DECODERS


def decode(
    container: InputContainer,
    streams: list[VideoStream | AudioStream],
    limits: MediaLimits,
    *,
    started_at: float | None = None,
    on_empty_packet: Callable[["Packet[Any]"], None] | None = None,
) -> Iterator[VideoFrame | AudioFrame]:
    """Decode the given streams in file order, raising `MediaError` on damage or overrun.

    Zero-size packets (Ogg Theora repeat-frame markers) are skipped: they carry
    no picture and make the decoder fail with EINVAL. `on_empty_packet` is told of each,
    for a caller that must know how long the last picture lasts.
    """
    started = time.monotonic() if started_at is None else started_at
    try:
        for packet in container.demux(streams):
            if packet.size == 0 and packet.pts is not None:
                if on_empty_packet is not None:
                    on_empty_packet(packet)
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
