"""What Echo is compared with: the ffmpeg CLI, a bare PyAV probe, a plain file copy.

Each baseline does the work of its Echo side with nothing of Echo's around it, so the
ratio is Echo's own overhead. Where Echo does more (hash, fsync), the baseline does too.
"""

import hashlib
import os
import shlex
from pathlib import Path

import av

from bench.adapters import PictureShape, TranscodeSettings

DEINTERLACER = "bwdif=mode=send_frame:parity=auto:deint=interlaced"
"""The deinterlacer Echo's upright filters use (`services.common.media.upright`)."""

COPY_CHUNK = 1024 * 1024


def ffmpeg_transcode_command(
    source: Path, target: Path, settings: TranscodeSettings, picture: PictureShape | None
) -> list[str]:
    """`ffmpeg` with Echo's ladder settings for one rung and its MP4, then SHA-256 and
    fsync of the output, as Echo does.

    The picture (size, constant rate, GOP, rate caps) comes from Echo's own ladder, so
    both sides encode the same pixels; ffmpeg rotates by the display matrix itself
    (`-autorotate`, its default). Echo also muxes the same packets into the rung's HLS
    playlist and segments; the CLI writes the MP4 only.
    """
    video: list[str] = ["-vn"]
    if picture is not None:
        filters = [DEINTERLACER] if picture.deinterlace else []
        filters += [
            f"fps={picture.frame_rate}:start_time=0:round=near",
            f"scale={picture.width}:{picture.height}:out_range=tv",
            "setsar=1",
            "format=yuv420p",
        ]
        keyint = picture.keyint
        video = [
            "-vf", ",".join(filters),
            "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
            "-maxrate", str(picture.max_bitrate), "-bufsize", str(picture.buffer_size),
            "-x264-params", f"keyint={keyint}:min-keyint={keyint}:scenecut=0:open-gop=0",
            "-threads", str(settings.threads),
        ]  # fmt: skip
    ffmpeg = [
        "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *video,
        "-c:a", "aac", "-b:a", str(settings.audio_bitrate), "-ac", "2", "-ar", "48000",
        "-movflags", "+faststart", str(target),
    ]  # fmt: skip
    # One shell, so wait4 accounts every step: the shell reaps each child.
    script = f'{shlex.join(ffmpeg)} && sha256sum "$1" >/dev/null && sync "$1"'
    return ["sh", "-c", script, "ffmpeg-baseline", str(target)]


def ffprobe_command(source: Path) -> list[str]:
    """`ffprobe -show_format -show_streams`, JSON output (what the old bench ran)."""
    return [
        "ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(source),
    ]  # fmt: skip


def bare_probe(source: Path) -> dict[str, object]:
    """Read the fields Echo's probe reports with plain PyAV, decoding the same first frame.

    No whitelists, limits or validation: what Echo's probe costs beyond them is its own.
    """
    with av.open(str(source)) as container:
        fields: dict[str, object] = {
            "format": container.format.name,
            "duration": container.duration,
            "bit_rate": container.bit_rate,
            "size": os.path.getsize(source),
            "streams": len(container.streams),
        }
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is not None:
            frame = next(container.decode(video))
            context = video.codec_context
            fields |= {
                "video_codec": context.name,
                "profile": context.profile,
                "width": context.width,
                "height": context.height,
                "rotation": frame.rotation,
                "frame_rate": video.average_rate,
                "pix_fmt": context.pix_fmt,
                "video_bit_rate": context.bit_rate,
                "video_duration": video.duration,
            }
        elif audio is not None:
            next(container.decode(audio))
        if audio is not None:
            sound = audio.codec_context
            fields |= {
                "audio_codec": sound.name,
                "channels": sound.channels,
                "layout": sound.layout.name,
                "sample_rate": sound.sample_rate,
                "audio_bit_rate": sound.bit_rate,
                "language": audio.metadata.get("language"),
            }
        return fields


def raw_copy(source: Path, target: Path) -> str:
    """Copy with SHA-256 and fsync: the least an upload must do with the same bytes."""
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(COPY_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()
