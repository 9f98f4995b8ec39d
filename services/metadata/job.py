"""The metadata job itself: probe, then poster and storyboard, as a plain sync function.

The worker kit calls it in a thread and turns what it returns or raises into job
events and an ack; the phases it reports (probing, extracting) are timed there too.
Every picture is staged through the kit's outputs, so it becomes visible only once
the job is known not to be cancelled, and a rerun replaces it at the same key.
"""

from contracts.enums import JobKind, JobPhase
from contracts.events import MetadataResult
from contracts.media import BlobRef, MediaProbe, PosterImage, Storyboard
from services.common.blobs import output_key
from services.common.worker import JobContext
from services.metadata.pictures import render_pictures
from services.metadata.poster import CONTENT_TYPE as POSTER_CONTENT_TYPE
from services.metadata.poster import Poster
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings
from services.metadata.storyboard import (
    SPRITE_CONTENT_TYPE,
    SPRITE_NAME,
    VTT_CONTENT_TYPE,
    VTT_NAME,
    EncodedStoryboard,
    StoryboardPlan,
)

POSTER_NAME = "poster.jpg"
"""The large poster; each smaller one is `poster-<max width>.jpg`."""
PROBED_PERCENT = 10.0
"""Share of the job done once the probe is in: the pictures' seeks cost far more."""
_POSTER_STEPS = 5
"""Keyframes the poster looks at in the usual case, before the storyboard's."""


def extract_metadata(context: JobContext, settings: MetadataSettings) -> MetadataResult:
    """Probe the upload and, when it has video, store its posters and storyboard; raises
    `MediaError`. An audio-only upload gets neither, which its probe's notices state."""
    context.check_cancelled()
    context.report_progress(0.0, phase=JobPhase.PROBING)
    probe = probe_media(context.source_path, context.limits)
    if probe.video is None:
        context.report_progress(100.0)
        return MetadataResult(probe=probe)
    context.check_cancelled()
    context.report_progress(PROBED_PERCENT, phase=JobPhase.EXTRACTING)
    storyboard_options = settings.storyboard_options()
    posters, board = render_pictures(
        context.source_path,
        context.limits,
        settings.poster_options(),
        storyboard_options,
        checkpoint=_PictureProgress(context, _expected_steps(probe, settings)),
    )
    images = [
        _store_poster(context, poster, name)
        for poster, name in zip(posters, _poster_names(settings), strict=True)
    ]
    result = MetadataResult(
        probe=probe,
        poster=images[0].file,
        posters=images,
        storyboard=_store_storyboard(context, board),
    )
    context.report_progress(100.0)
    return result


def _poster_names(settings: MetadataSettings) -> tuple[str, str]:
    """The file names of the large and the small poster."""
    return POSTER_NAME, f"poster-{settings.poster_small_width}.jpg"


def job_key(context: JobContext, name: str) -> str:
    """Where the job's output `name` is stored: a fixed key, so a rerun replaces it."""
    command = context.command
    return output_key(command.owner_id, command.video_id, JobKind.METADATA, name)


def _store_poster(context: JobContext, poster: Poster, name: str) -> PosterImage:
    """Stage one poster JPEG as `name`."""
    return PosterImage(
        file=_stage(context, name, poster.data, POSTER_CONTENT_TYPE),
        width=poster.width,
        height=poster.height,
    )


def _store_storyboard(context: JobContext, board: EncodedStoryboard) -> Storyboard:
    """Stage the sprite and the VTT side by side: the VTT names the sprite relative to it."""
    width, height = board.tile_size
    return Storyboard(
        sprite=_stage(context, SPRITE_NAME, board.sprite, SPRITE_CONTENT_TYPE),
        vtt=_stage(context, VTT_NAME, board.vtt.encode(), VTT_CONTENT_TYPE),
        tile_width=width,
        tile_height=height,
        columns=board.columns,
        count=board.plan.count,
        interval_seconds=board.plan.interval_seconds,
    )


def _stage(context: JobContext, name: str, data: bytes, content_type: str) -> BlobRef:
    key = job_key(context, name)
    with context.outputs.writer(key) as writer:
        writer.write(data)
    return BlobRef(
        key=key, size_bytes=writer.size_bytes, sha256=writer.sha256, content_type=content_type
    )


def _expected_steps(probe: MediaProbe, settings: MetadataSettings) -> int:
    """About how many frames the pictures decode: the poster's, then one per thumbnail."""
    video = probe.video
    duration = (video.duration_seconds if video else None) or probe.duration_seconds or 0.0
    plan = StoryboardPlan.for_duration(duration, settings.storyboard_options())
    return _POSTER_STEPS + plan.count


class _PictureProgress:
    """The pictures' checkpoint: a cancel check before each decoded frame, and progress
    from the frames decoded so far against the number expected."""

    def __init__(self, context: JobContext, expected: int) -> None:
        self._context = context
        self._expected = expected
        self._done = 0

    def __call__(self) -> None:
        self._context.check_cancelled()
        self._done += 1
        # An estimate (a poster may look further, thumbnails may share a keyframe): it
        # stops short of 100 until the job has really finished.
        share = min(self._done / self._expected, 0.99)
        self._context.report_progress(PROBED_PERCENT + (100.0 - PROBED_PERCENT) * share)
