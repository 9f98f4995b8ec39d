"""The metadata job itself: probe, then poster, as a plain sync function.

The worker kit calls it in a thread and turns what it returns or raises into job
events and an ack; the phases it reports (probing, extracting) are timed there too.
"""

from contracts.enums import JobKind, JobPhase
from contracts.events import MetadataResult
from contracts.media import BlobRef
from services.common.blobs import output_key
from services.common.worker import JobContext
from services.metadata.poster import CONTENT_TYPE, Poster, PosterOptions, render_poster
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings

POSTER_NAME = "poster.jpg"
PROBED_PERCENT = 50.0


def extract_metadata(context: JobContext, settings: MetadataSettings) -> MetadataResult:
    """Probe the upload and, when it has video, store its poster; raises `MediaError`."""
    context.check_cancelled()
    context.report_progress(0.0, phase=JobPhase.PROBING)
    probe = probe_media(context.source_path, context.limits)
    poster = None
    if probe.video is not None:
        context.check_cancelled()
        context.report_progress(PROBED_PERCENT, phase=JobPhase.EXTRACTING)
        image = render_poster(
            context.source_path,
            context.limits,
            PosterOptions(
                position=settings.poster_position,
                max_width=settings.poster_max_width,
                qscale=settings.poster_jpeg_qscale,
            ),
            checkpoint=context.check_cancelled,
        )
        poster = store_poster(context, image)
    context.report_progress(100.0)
    return MetadataResult(probe=probe, poster=poster)


def poster_key(context: JobContext) -> str:
    """Where the job's poster is stored: a fixed key, so a rerun replaces it."""
    command = context.command
    return output_key(command.owner_id, command.video_id, JobKind.METADATA, POSTER_NAME)


def store_poster(context: JobContext, poster: Poster) -> BlobRef:
    """Stage the poster; the kit puts it in place if the job is not cancelled meanwhile.
    A rerun replaces it with identical bytes."""
    key = poster_key(context)
    with context.outputs.writer(key) as writer:
        writer.write(poster.data)
    return BlobRef(
        key=key, size_bytes=writer.size_bytes, sha256=writer.sha256, content_type=CONTENT_TYPE
    )
