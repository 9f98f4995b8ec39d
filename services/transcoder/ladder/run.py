"""`encode_ladder`: a source in, a finished HLS ladder folder out, or nothing at all.

Everything is written into a staging folder beside `out_dir`; the master playlist
is written last, then the folder takes `out_dir`'s place. A failure or a stop
removes the staging folder, and folders left by killed attempts are removed
before a new one starts, so a rerun overwrites cleanly.
"""

import logging
import shutil
import uuid
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av

from contracts.enums import JobPhase
from contracts.outputs import OutputKind, OutputStatus
from services.common.media import MediaLimits
from services.transcoder.ladder import hls
from services.transcoder.ladder.encode import (
    AUDIO_FOLDER,
    DOWNLOAD_AUDIO,
    DOWNLOAD_VIDEO,
    PLAYLIST_NAME,
    PassOutcome,
    run_pass,
)
from services.transcoder.ladder.progress import LadderProgress, ProgressCallback
from services.transcoder.ladder.rungs import OWN_RUNG_MARGIN, Rung, download_rung, plan_rungs
from services.transcoder.ladder.source import SourcePlan, probe_source
from services.transcoder.ladder.types import (
    LadderOptions,
    LadderOutput,
    LadderResult,
)

logger = logging.getLogger(__name__)

MASTER_NAME = "master.m3u8"
HIGH_RATE_THRESHOLD = Fraction(30)
"""Above this output rate, the rungs' rate caps are raised by `high_rate_factor`."""


def _ignore_progress(phase: JobPhase, percent: float | None, eta: float | None) -> None:
    del phase, percent, eta


def _never() -> bool:
    return False


def encode_ladder(
    source: Path,
    out_dir: Path,
    options: LadderOptions | None = None,
    *,
    on_progress: ProgressCallback = _ignore_progress,
    should_stop: Callable[[], bool] = _never,
    limits: MediaLimits | None = None,
) -> LadderResult:
    """Write the HLS ladder and the download of `source` into `out_dir`, replacing it.

    The picture is turned upright (rotation, pixel shape, deinterlacing) by the shared
    rule of `services.common.media`, so every rung has the display shape the metadata
    probe reports. Raises
    `MediaError` for unusable input and `LadderCancelledError` when `should_stop()` turned
    true; in both cases `out_dir` is left as it was and no staging files remain.
    """
    options = options or LadderOptions()
    limits = limits or MediaLimits()
    progress = LadderProgress(on_progress, None)
    progress.phase(JobPhase.PROBING, 0.0)
    plan = probe_source(source, limits)
    progress = LadderProgress(on_progress, plan.duration)
    rungs: list[Rung] = []
    download: Rung | None = None
    if plan.has_video:
        rate = plan.output_frame_rate(options.max_frame_rate)
        rungs = plan_rungs(
            plan.display_width,
            plan.display_height,
            options.rungs,
            high_rate_factor=options.high_rate_factor
            if rate > HIGH_RATE_THRESHOLD
            else Fraction(1),
        )
        download = download_rung(rungs, options.download_short_side)
    _discard_abandoned(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.{uuid.uuid4().hex}.staging"
    staging.mkdir(parents=True)
    try:
        progress.phase(JobPhase.TRANSCODING, 0.0)
        outcome = run_pass(
            source,
            staging,
            plan,
            rungs,
            download,
            options,
            limits,
            on_media_time=progress.media_time,
            should_stop=should_stop,
        )
        progress.phase(JobPhase.PACKAGING, 99.0)
        outputs = _package(staging, plan, rungs, download, outcome, options)
        _replace(out_dir, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = LadderResult(
        out_dir=out_dir,
        master_playlist=MASTER_NAME,
        outputs=tuple(outputs),
        duration_seconds=max(
            (
                output.duration_seconds or 0.0
                for output in outputs
                if output.kind is not OutputKind.MP4
            ),
            default=0.0,
        ),
        files=_upload_order(outputs),
        video_frames=outcome.video_frames,
    )
    progress.phase(JobPhase.PACKAGING, 100.0)
    logger.info("ladder of %s: %s", source.name, ", ".join(output.name for output in result.ready))
    return result


def _package(
    staging: Path,
    plan: SourcePlan,
    rungs: list[Rung],
    download: Rung | None,
    outcome: PassOutcome,
    options: LadderOptions,
) -> list[LadderOutput]:
    outputs: list[LadderOutput] = []
    audio_playlist = None
    if plan.audio_index is not None:
        audio_playlist = hls.read_media_playlist(staging / AUDIO_FOLDER / PLAYLIST_NAME)
        outputs.append(_hls_output("audio", OutputKind.HLS_AUDIO, AUDIO_FOLDER, audio_playlist))
    video_playlists = [
        hls.read_media_playlist(staging / rung.name / PLAYLIST_NAME) for rung in rungs
    ]
    hls.check_aligned(video_playlists)
    variants: list[hls.Variant] = []
    for rung, playlist in zip(rungs, video_playlists, strict=True):
        codecs = hls.avc_codecs(outcome.video_codecs[rung.name])
        outputs.append(
            _hls_output(
                rung.name,
                OutputKind.HLS_VIDEO,
                rung.name,
                playlist,
                width=rung.width,
                height=rung.height,
                frame_rate=outcome.frame_rate,
                codecs=codecs,
            )
        )
        variants.append(
            hls.Variant(
                uri=f"{rung.name}/{PLAYLIST_NAME}",
                bandwidth=playlist.peak_bitrate
                + (audio_playlist.peak_bitrate if audio_playlist else 0),
                average_bandwidth=playlist.average_bitrate
                + (audio_playlist.average_bitrate if audio_playlist else 0),
                codecs=codecs + (f",{hls.AAC_LC_CODECS}" if audio_playlist else ""),
                resolution=(rung.width, rung.height),
                frame_rate=outcome.frame_rate,
                audio_group=hls.AUDIO_GROUP if audio_playlist else None,
            )
        )
    outputs += _skipped_rungs(plan, rungs, options)
    if audio_playlist is None:
        outputs.append(
            LadderOutput(
                name="audio",
                kind=OutputKind.HLS_AUDIO,
                status=OutputStatus.SKIPPED,
                reason="The source has no audio.",
            )
        )
    if download is not None:
        outputs.append(_download_output(staging, DOWNLOAD_VIDEO, OutputKind.MP4, download, outcome))
        rendition = (
            hls.AudioRendition(uri=f"{AUDIO_FOLDER}/{PLAYLIST_NAME}") if audio_playlist else None
        )
    else:
        assert audio_playlist is not None
        outputs.append(_download_output(staging, DOWNLOAD_AUDIO, OutputKind.M4A, None, outcome))
        variants.append(
            hls.Variant(
                uri=f"{AUDIO_FOLDER}/{PLAYLIST_NAME}",
                bandwidth=audio_playlist.peak_bitrate,
                average_bandwidth=audio_playlist.average_bitrate,
                codecs=hls.AAC_LC_CODECS,
            )
        )
        rendition = None
    # Last: a master playlist names only files that exist.
    (staging / MASTER_NAME).write_text(hls.master_playlist(variants, rendition))
    return outputs


def _hls_output(
    name: str,
    kind: OutputKind,
    folder: str,
    playlist: hls.MediaPlaylist,
    *,
    width: int | None = None,
    height: int | None = None,
    frame_rate: Fraction | None = None,
    codecs: str = hls.AAC_LC_CODECS,
) -> LadderOutput:
    return LadderOutput(
        name=name,
        kind=kind,
        status=OutputStatus.READY,
        path=f"{folder}/{PLAYLIST_NAME}",
        files=tuple(f"{folder}/{file}" for file in playlist.files()),
        size_bytes=playlist.size_bytes,
        average_bitrate=playlist.average_bitrate,
        peak_bitrate=playlist.peak_bitrate,
        width=width,
        height=height,
        frame_rate=frame_rate,
        duration_seconds=round(playlist.duration, 3),
        codecs=codecs,
        segment_count=len(playlist.segments),
    )


def _download_output(
    staging: Path, name: str, kind: OutputKind, rung: Rung | None, outcome: PassOutcome
) -> LadderOutput:
    path = staging / name
    with av.open(str(path)) as container:
        duration = float(container.duration / av.time_base) if container.duration else 0.0
    size = path.stat().st_size
    codecs = [hls.avc_codecs(outcome.video_codecs[rung.name])] if rung is not None else []
    if outcome.audio_samples:
        codecs.append(hls.AAC_LC_CODECS)
    return LadderOutput(
        name="download",
        kind=kind,
        status=OutputStatus.READY,
        path=name,
        files=(name,),
        size_bytes=size,
        average_bitrate=round(size * 8 / duration) if duration > 0 else None,
        width=None if rung is None else rung.width,
        height=None if rung is None else rung.height,
        frame_rate=None if rung is None else outcome.frame_rate,
        duration_seconds=round(duration, 3),
        codecs=",".join(codecs),
    )


def _skipped_rungs(
    plan: SourcePlan, rungs: list[Rung], options: LadderOptions
) -> list[LadderOutput]:
    made = {rung.short_side for rung in rungs}
    top = max(made, default=0)
    skipped = []
    for spec in options.rungs:
        if spec.short_side in made:
            continue
        if not plan.has_video:
            reason = "The source has no video."
        elif spec.short_side > top:
            reason = f"The source is {top}p; renditions are never upscaled."
        else:
            reason = (
                f"Within {1 - float(OWN_RUNG_MARGIN):.0%} of the source's own {top}p rendition."
            )
        skipped.append(
            LadderOutput(
                name=f"{spec.short_side}p",
                kind=OutputKind.HLS_VIDEO,
                status=OutputStatus.SKIPPED,
                reason=reason,
            )
        )
    return skipped


def _upload_order(outputs: list[LadderOutput]) -> tuple[str, ...]:
    files = [file for output in outputs for file in output.files]
    playlists = [file for file in files if file.endswith(".m3u8")]
    media = [file for file in files if not file.endswith(".m3u8")]
    return (*media, *playlists, MASTER_NAME)


def _discard_abandoned(out_dir: Path) -> None:
    # A worker killed mid-job leaves its staging (or swapped-out) folder behind; this
    # attempt now owns the job, so those files will never be finished.
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*.staging"):
        logger.info("removing abandoned ladder folder %s", leftover.name)
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*.old"):
        shutil.rmtree(leftover, ignore_errors=True)


def _replace(out_dir: Path, staging: Path) -> None:
    """Put the finished staging folder at `out_dir`, replacing an earlier ladder."""
    if out_dir.exists():
        old = out_dir.parent / f".{out_dir.name}.{uuid.uuid4().hex}.old"
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)
