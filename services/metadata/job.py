"""The metadata job itself: probe, then poster, as a plain sync function.

`services.common.worker.run_job` calls it in a thread and turns what it
returns or raises into job events and an ack.
"""

import time

from contracts.enums import JobKind
from contracts.events import MetadataResult
from contracts.media import BlobRef
from services.common.blobs import output_key
from services.common.worker import JobContext
from services.metadata.metrics import MetadataMetrics
from services.metadata.poster import CONTENT_TYPE, Poster, PosterOptions, render_poster
from services.metadata.probe import probe_media
from services.metadata.settings import MetadataSettings

POSTER_NAME = "poster.jpg"
PROBED_PERCENT = 50.0


def extract_metadata(
    context: JobContext, settings: MetadataSettings, metrics: MetadataMetrics
) -> MetadataResult:
    """Probe the upload and, when it has video, store its poster; raises `MediaError`."""
    context.check_cancelled()
    started = time.perf_counter()
    probe = probe_media(context.source_path, context.limits)
    metrics.probe_seconds.observe(time.perf_counter() - started)
    context.report_progress(PROBED_PERCENT)
    poster = None
    if probe.video is not None:
        context.check_cancelled()
        started = time.perf_counter()
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
        metrics.poster_seconds.observe(time.perf_counter() - started)
        poster = store_poster(context, image)
    context.report_progress(100.0)
    return MetadataResult(probe=probe, poster=poster)


def store_poster(context: JobContext, poster: Poster) -> BlobRef:
    """Write the poster under its fixed key; a rerun replaces it with identical bytes."""
    key = output_key(context.event.owner_id, context.event.video_id, JobKind.METADATA, POSTER_NAME)
    # The writer stages the file, fsyncs it and renames it into place on success.
    with context.store.writer(key, content_type=CONTENT_TYPE) as writer:
        writer.write(poster.data)
    return BlobRef(
        key=key, size_bytes=writer.size_bytes, sha256=writer.sha256, content_type=CONTENT_TYPE
    )
