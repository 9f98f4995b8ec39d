"""The transcoder's work: one job's HLS ladder and download, staged through the worker kit.

Sync on purpose: the kit runs it in a thread while the event loop keeps the delivery
alive and publishes progress. The whole ladder is written into one staged folder that
the kit renames into place only after its last look for a cancel, so a cancelled,
failed or killed job leaves nothing visible, and a rerun replaces the folder whole.
"""

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from contracts.enums import JobKind, JobPhase, RenditionKind
from contracts.events import TranscodeResult
from contracts.media import BlobRef, Rendition
from contracts.outputs import OutputKind, OutputStatus, TranscodeOutput
from services.common.blobs import output_key
from services.common.worker import JobCancelledError, JobContext
from services.transcoder.ladder import (
    LadderCancelledError,
    LadderOptions,
    LadderOutput,
    LadderResult,
    encode_ladder,
)

logger = logging.getLogger(__name__)

LADDER_FOLDER = "hls"
"""The job's folder: `master.m3u8`, a folder per rung and `audio/`, and the download."""
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
}
_HASH_CHUNK = 1 << 20


def _ignore_frames(count: int) -> None:
    del count


def transcode(
    context: JobContext,
    options: LadderOptions,
    *,
    on_frames: Callable[[int], None] = _ignore_frames,
) -> TranscodeResult:
    """Encode the job's ladder and download (raises `MediaError` for unusable input and
    `JobCancelledError` when the job was cancelled); `on_frames` is told the pictures
    encoded per rung."""
    command = context.command
    key = output_key(command.owner_id, command.video_id, JobKind.TRANSCODE, LADDER_FOLDER)

    def on_progress(phase: JobPhase, percent: float | None, eta: float | None) -> None:
        if percent is not None:
            context.report_progress(percent, eta, phase=phase)

    with context.outputs.staged_folder(key) as folder:
        try:
            ladder = encode_ladder(
                context.source_path,
                folder,
                options,
                on_progress=on_progress,
                should_stop=context.cancelled.is_set,
                limits=context.limits,
            )
        except LadderCancelledError as error:
            raise JobCancelledError from error
        result = describe(ladder, key, options)
    on_frames(ladder.video_frames)
    return result


def describe(ladder: LadderResult, key: str, options: LadderOptions) -> TranscodeResult:
    """The job's result for a ladder written in `ladder.out_dir`, to be stored at `key`."""
    outputs = [_output(ladder.out_dir, key, output) for output in ladder.outputs]
    download = next(output for output in outputs if output.kind in {OutputKind.MP4, OutputKind.M4A})
    return TranscodeResult(
        renditions=[_rendition(download)],
        master_playlist=_blob(ladder.out_dir, key, ladder.master_playlist),
        outputs=outputs,
        duration_seconds=ladder.duration_seconds,
        segment_seconds=float(options.segment_seconds),
    )


def _output(folder: Path, key: str, output: LadderOutput) -> TranscodeOutput:
    file = None
    if output.status is OutputStatus.READY and output.path is not None:
        file = _blob(folder, key, output.path)
    return TranscodeOutput(
        name=output.name,
        kind=output.kind,
        status=output.status,
        reason=output.reason,
        file=file,
        size_bytes=output.size_bytes,
        average_bitrate=output.average_bitrate,
        peak_bitrate=output.peak_bitrate,
        width=output.width,
        height=output.height,
        frame_rate=None if output.frame_rate is None else round(float(output.frame_rate), 3),
        duration_seconds=output.duration_seconds,
        codecs=output.codecs,
        segment_count=output.segment_count,
    )


def _rendition(download: TranscodeOutput) -> Rendition:
    # The single file the gateway's views and routes serve until they read `outputs`.
    assert download.file is not None
    video = download.kind is OutputKind.MP4
    codecs = download.codecs or ""
    return Rendition(
        name=f"mp4-{min(download.width or 0, download.height or 0)}p" if video else "m4a-audio",
        kind=RenditionKind.VIDEO if video else RenditionKind.AUDIO_ONLY,
        file=download.file,
        container="mp4" if video else "m4a",
        video_codec="h264" if video else None,
        audio_codec="aac" if "mp4a" in codecs else None,
        width=download.width,
        height=download.height,
        duration_seconds=download.duration_seconds or 0.0,
    )


def _blob(folder: Path, key: str, relative: str) -> BlobRef:
    path = folder / relative
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)
    return BlobRef(
        key=f"{key}/{relative}",
        size_bytes=path.stat().st_size,
        sha256=digest.hexdigest(),
        content_type=CONTENT_TYPES.get(path.suffix),
    )
