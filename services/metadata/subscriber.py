"""The durable pull subscriber on `echo.videos.uploaded` that runs metadata jobs."""

import asyncio
import logging
from dataclasses import dataclass

from faststream.exceptions import NackMessage
from faststream.nats import NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage

from contracts.enums import JobKind
from contracts.events import JobResult, VideoUploadedEvent
from contracts.streams import METADATA, VIDEOS
from services.common.blobs import LocalBlobStore
from services.common.bus import bound_stream
from services.common.media import MediaError
from services.common.settings import BusSettings
from services.common.worker import JobContext, declare_job_publishers, run_job
from services.metadata.job import extract_metadata
from services.metadata.metrics import JobOutcome, MetadataMetrics
from services.metadata.settings import MetadataSettings

logger = logging.getLogger(__name__)


@dataclass
class _Work:
    """The job's work function, remembering how it ended (run_job keeps that to itself)."""

    settings: MetadataSettings
    metrics: MetadataMetrics
    outcome: JobOutcome = JobOutcome.COMPLETED

    def __call__(self, context: JobContext) -> JobResult:
        try:
            return extract_metadata(context, self.settings, self.metrics)
        except MediaError:
            self.outcome = JobOutcome.FAILED
            raise
        except Exception:
            self.outcome = JobOutcome.EXHAUSTED
            raise


def register_subscriber(
    broker: NatsBroker,
    *,
    settings: MetadataSettings,
    bus: BusSettings,
    store: LocalBlobStore,
    metrics: MetadataMetrics,
) -> None:
    """Declare the job-event publishers and the upload subscriber on `broker`."""
    publishers = declare_job_publishers(broker, JobKind.METADATA)

    @broker.subscriber(
        METADATA.filter_subject,
        stream=bound_stream(VIDEOS),
        durable=METADATA.durable,
        pull_sub=PullSub(batch_size=1),
        config=settings.consumer_config(METADATA),
        max_workers=1,
        title="metadata:echo.videos.uploaded",
        description="Probes each upload and writes its poster (the upload's `metadata` job).",
    )
    async def on_video_uploaded(event: VideoUploadedEvent, message: NatsMessage) -> None:
        if event.job_of_kind(JobKind.METADATA) is None:
            logger.debug("event %s lists no metadata job; ignored", event.event_id)
            metrics.count(JobOutcome.IGNORED)
            return
        work = _Work(settings, metrics)
        try:
            await run_job(
                message=message,
                event=event,
                kind=JobKind.METADATA,
                work=work,
                publishers=publishers,
                store=store,
                settings=settings,
                bus=bus,
            )
        except NackMessage:
            metrics.count(JobOutcome.RETRIED)
            raise
        except asyncio.CancelledError:
            metrics.count(JobOutcome.INTERRUPTED)
            raise
        metrics.count(work.outcome)
