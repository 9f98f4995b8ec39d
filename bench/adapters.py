"""Echo's side of the media benchmarks: the only place `bench/` calls into services.

The transcoder and the probe are being reshaped; when their entry points move,
only these functions change.
"""

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from contracts.enums import JobKind
from contracts.events import JobRequestedCommand
from contracts.media import BlobRef, MediaProbe
from services.common.blobs import LocalBlobStore, source_key
from services.common.media import MediaLimits
from services.common.worker import JobContext
from services.metadata.probe import probe_media
from services.transcoder.encoding import EncodeOptions
from services.transcoder.pipeline import transcode
from services.transcoder.plan import plan_rendition

# Fixed ids: every run writes to the same keys, which the benchmark clears between runs.
_OWNER = uuid.UUID("00000000-0000-4000-8000-00000000be4c")
_VIDEO = uuid.UUID("00000000-0000-4000-8000-00000000f11e")


@dataclass(frozen=True)
class TranscodeSettings:
    """The transcoder's encoding settings (`ECHO_TRANSCODER_*`), given to both sides."""

    max_height: int = 720
    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate: int = 128_000
    threads: int = 0


@dataclass(frozen=True)
class PictureShape:
    """What Echo's plan decides for a source's picture, so the CLI can be told the same."""

    width: int
    height: int
    deinterlace: bool


def echo_transcode(source: Path, store_root: Path, settings: TranscodeSettings) -> None:
    """Run Echo's transcode pipeline on `source` as the worker would, minus the bus."""
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
    transcode(
        context,
        EncodeOptions(
            max_height=settings.max_height,
            preset=settings.preset,
            crf=settings.crf,
            audio_bitrate=settings.audio_bitrate,
            threads=settings.threads,
        ),
    )


def echo_outputs(store_root: Path) -> Path:
    """The folder `echo_transcode` writes its outputs to (cleared between runs)."""
    return store_root / "videos" / str(_OWNER) / str(_VIDEO) / JobKind.TRANSCODE.value


def echo_picture(source: Path, settings: TranscodeSettings) -> PictureShape | None:
    """The output picture Echo's plan chooses for `source`; None for audio-only."""
    plan = plan_rendition(source, MediaLimits(), settings.max_height)
    if plan.video is None:
        return None
    return PictureShape(plan.video.width, plan.video.height, plan.video.deinterlace)


def echo_probe(source: Path) -> MediaProbe:
    """Echo's probe of an upload, as the metadata worker runs it."""
    return probe_media(source, MediaLimits())
