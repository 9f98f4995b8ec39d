"""Echo's side of the media benchmarks: the only place `bench/` calls into services.

When the transcoder's or the probe's entry points move, only these functions change.
"""

import os
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from contracts.enums import JobKind
from contracts.events import JobRequestedCommand
from contracts.media import BlobRef, MediaProbe
from services.common.blobs import LocalBlobStore, source_key
from services.common.media import DEINTERLACER, MediaLimits
from services.common.worker import JobContext
from services.metadata.probe import probe_media
from services.transcoder.job import transcode
from services.transcoder.ladder import LadderOptions, RungSpec, plan_rungs
from services.transcoder.ladder.encode import keyframe_interval
from services.transcoder.ladder.rungs import download_rung
from services.transcoder.ladder.source import probe_source

# Fixed ids: every run writes to the same keys, which the benchmark clears between runs.
_OWNER = uuid.UUID("00000000-0000-4000-8000-00000000be4c")
_VIDEO = uuid.UUID("00000000-0000-4000-8000-00000000f11e")


@dataclass(frozen=True)
class TranscodeSettings:
    """The ladder's MP4-only configuration: one rung and its download, given to both sides.

    `ECHO_TRANSCODER_RUNGS='[{"short_side": 720, ...}]'` makes the transcoder encode so.
    """

    short_side: int = 720
    max_bitrate: int = 3_000_000
    buffer_size: int = 6_000_000
    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate: int = 128_000
    threads: int = 0

    def ladder_options(self) -> LadderOptions:
        return LadderOptions(
            rungs=(RungSpec(self.short_side, self.max_bitrate, self.buffer_size),),
            preset=self.preset,
            crf=self.crf,
            audio_bitrate=self.audio_bitrate,
            download_short_side=self.short_side,
            threads=self.threads,
        )


@dataclass(frozen=True)
class PictureShape:
    """What Echo's ladder decides for a source's picture, so the CLI can be told the same."""

    width: int
    height: int
    deinterlace: bool
    frame_rate: Fraction
    keyint: int
    max_bitrate: int
    buffer_size: int


def echo_transcode(source: Path, store_root: Path, settings: TranscodeSettings) -> None:
    """Run Echo's transcode work on `source` as the worker would, minus the bus."""
    store = LocalBlobStore(store_root)
    key = source_key(_OWNER, _VIDEO)
    stored = store.path(key)
    if not stored.exists():
        stored.parent.mkdir(parents=True, exist_ok=True)
        # A hard link, not a copy, so no run pays for one (the store refuses symlinks).
        os.link(source, stored)
    command = JobRequestedCommand(
        video_id=_VIDEO,
        owner_id=_OWNER,
        job_id=uuid.uuid4(),
        kind=JobKind.TRANSCODE,
        attempt=1,
        source=BlobRef(key=key, size_bytes=source.stat().st_size),
        original_filename=source.name,
    )
    context = JobContext(command=command, store=store, limits=MediaLimits())
    transcode(context, settings.ladder_options())


def echo_outputs(store_root: Path) -> Path:
    """The folder `echo_transcode` writes its outputs to (cleared between runs)."""
    return store_root / "videos" / str(_OWNER) / str(_VIDEO) / JobKind.TRANSCODE.value


def echo_picture(source: Path, settings: TranscodeSettings) -> PictureShape | None:
    """The rung Echo's ladder encodes for `source`; None for audio-only.

    At up to 30 fps: above, the ladder raises the rate caps, which this does not follow.
    """
    options = settings.ladder_options()
    plan = probe_source(source, MediaLimits())
    if not plan.has_video:
        return None
    rate = plan.output_frame_rate(options.max_frame_rate)
    rung = download_rung(plan_rungs(plan.display_width, plan.display_height, options.rungs))
    return PictureShape(
        width=rung.width,
        height=rung.height,
        deinterlace=DEINTERLACER in plan.upright,
        frame_rate=rate,
        keyint=keyframe_interval(rate, options.gop_seconds),
        max_bitrate=rung.max_bitrate,
        buffer_size=rung.buffer_size,
    )


def echo_probe(source: Path) -> MediaProbe:
    """Echo's probe of an upload, as the metadata worker runs it."""
    return probe_media(source, MediaLimits())
