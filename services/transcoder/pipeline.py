"""One transcode job, start to finish: plan, encode (or reuse), verify, describe.

Sync on purpose: `run_job` calls `transcode` in a thread while the event loop
keeps the delivery alive. The source is opened twice: once to plan the output
(`plan.py`), once to encode everything (`write_rendition`, which needs no job
and no store, only a source, a plan and a target file).
"""

import logging
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import av
from av.audio.stream import AudioStream
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from contracts.enums import JobErrorCode, JobKind, JobPhase
from contracts.events import TranscodeResult
from contracts.media import BlobRef, Rendition
from services.common.blobs import output_key
from services.common.media import MediaError, MediaLimits, decode, open_untrusted
from services.common.worker import JobContext
from services.transcoder.encoding import AudioTrack, EncodeOptions, VideoTrack
from services.transcoder.outputs import (
    OutputInfo,
    describe_output,
    discard_abandoned_partials,
    reusable_output,
    sha256,
    sync_and_hash,
)
from services.transcoder.plan import RenditionPlan, plan_rendition
from services.transcoder.progress import ENCODED_PERCENT, ProgressMeter

logger = logging.getLogger(__name__)

SHORT_DECODE_RATIO = 0.9
SHORT_DECODE_MIN_SECONDS = 0.5


class JobControl(Protocol):
    """What encoding needs of a running job: a cancellation check and a progress report."""

    def check_cancelled(self) -> None: ...

    def report_progress(self, percent: float, eta_seconds: float | None = None) -> None: ...


def _ignore_frames(count: int) -> None:
    del count


def transcode(
    context: JobContext,
    options: EncodeOptions,
    *,
    on_frames: Callable[[int], None] = _ignore_frames,
) -> TranscodeResult:
    """Produce the job's rendition, or reuse it if an earlier attempt already wrote it.

    Raises `MediaError` when the source is unusable; `on_frames` is told how many
    video frames were encoded, as it happens.
    """
    context.report_progress(0.0, phase=JobPhase.PROBING)
    plan = plan_rendition(context.source_path, context.limits, options.max_height)
    command = context.command
    key = output_key(command.owner_id, command.video_id, JobKind.TRANSCODE, plan.filename)
    store = context.store
    target = store.path(key)
    reused = reusable_output(target, plan, context.limits)
    if reused is not None:
        logger.info("output %s already written by an earlier attempt; reusing it", key)
        file = store.ref(key, content_type=plan.content_type, sha256=sha256(target))
        return _result(plan, file, reused)
    discard_abandoned_partials(target)
    context.report_progress(0.0, phase=JobPhase.TRANSCODING)
    # Staged: the kit renames it into place only if the job was not cancelled meanwhile.
    with context.outputs.staged_file(key) as staged:
        write_rendition(
            context.source_path,
            plan,
            staged,
            limits=context.limits,
            options=options,
            control=context,
            on_frames=on_frames,
        )
        context.report_progress(ENCODED_PERCENT, phase=JobPhase.PACKAGING)
        digest = sync_and_hash(staged)
        info = describe_output(staged, context.limits)
        file = BlobRef(
            key=key,
            size_bytes=staged.stat().st_size,
            sha256=digest,
            content_type=plan.content_type,
        )
    logger.info(
        "wrote %s: %.2f s, %sx%s", key, info.duration, info.width or "-", info.height or "-"
    )
    return _result(plan, file, info)


def write_rendition(
    source_path: Path,
    plan: RenditionPlan,
    path: Path,
    *,
    limits: MediaLimits,
    options: EncodeOptions,
    control: JobControl,
    on_frames: Callable[[int], None] = _ignore_frames,
) -> None:
    """Encode `source_path` into `path` as `plan` says (raises `MediaError`)."""
    started = time.monotonic()
    progress = ProgressMeter(control.report_progress, plan.duration)
    progress.update(0, force=True)
    with (
        open_untrusted(source_path, limits) as source,
        av.open(
            str(path), mode="w", format=plan.muxer, options={"movflags": "+faststart"}
        ) as output,
    ):
        video = audio = None
        streams: list[VideoStream | AudioStream] = []
        if plan.video is not None:
            video_in = source.streams.video[_position(source.streams.video, plan.video.index)]
            video_in.thread_type = "AUTO"
            streams.append(video_in)
            video = VideoTrack(output, plan.video, start=plan.start, options=options)
        if plan.audio_index is not None:
            streams.append(source.streams.audio[_position(source.streams.audio, plan.audio_index)])
            audio = AudioTrack(output, start=plan.start, bitrate=options.audio_bitrate)
        counted = 0
        decoded_end = 0.0
        for frame in decode(source, streams, limits, started_at=started):
            control.check_cancelled()
            decoded_end = max(decoded_end, _frame_end(frame, plan.start))
            if isinstance(frame, VideoFrame):
                assert video is not None
                video.add(frame)
                if video.frames_encoded > counted:
                    on_frames(video.frames_encoded - counted)
                    counted = video.frames_encoded
            else:
                assert audio is not None
                audio.add(frame)
            progress.update(decoded_end)
        for track in (video, audio):
            if track is not None:
                track.flush()
        if video is not None:
            on_frames(video.frames_encoded - counted)
            if video.frames_dropped:
                logger.info("dropped %d frames with repeated timestamps", video.frames_dropped)
            if video.frames_encoded == 0:
                raise MediaError(
                    JobErrorCode.NO_PLAYABLE_STREAM,
                    "No picture of this video could be decoded. Upload the original file again.",
                )
        _check_complete(plan, decoded_end)
    progress.update(decoded_end, force=True)


def _position(streams: tuple[VideoStream, ...] | tuple[AudioStream, ...], index: int) -> int:
    return next(position for position, stream in enumerate(streams) if stream.index == index)


def _frame_end(frame: VideoFrame | av.AudioFrame, start: Fraction) -> float:
    if frame.pts is None or frame.time_base is None:
        return 0.0
    end = frame.pts * frame.time_base - start
    if isinstance(frame, av.AudioFrame) and frame.sample_rate:
        end += Fraction(frame.samples, frame.sample_rate)
    elif frame.duration:
        end += frame.duration * frame.time_base
    return float(end)


def _check_complete(plan: RenditionPlan, decoded_end: float) -> None:
    declared = plan.duration
    if declared is None or not plan.duration_in_header:
        return
    missing = declared - decoded_end
    if decoded_end < declared * SHORT_DECODE_RATIO and missing > SHORT_DECODE_MIN_SECONDS:
        raise MediaError(
            JobErrorCode.DAMAGED_MEDIA,
            f"The file is truncated: it declares {declared:.1f} s but only the first "
            f"{decoded_end:.1f} s could be read. Upload the complete original file.",
        )


def _result(plan: RenditionPlan, file: BlobRef, info: OutputInfo) -> TranscodeResult:
    return TranscodeResult(
        renditions=[
            Rendition(
                name=plan.name,
                kind=plan.kind,
                file=file,
                container=plan.container,
                video_codec=info.video_codec,
                audio_codec=info.audio_codec,
                width=info.width,
                height=info.height,
                duration_seconds=round(info.duration, 3),
            )
        ]
    )
