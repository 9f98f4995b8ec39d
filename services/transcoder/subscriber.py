"""The durable pull consumer of `echo.videos.uploaded` that runs transcode jobs."""

import threading
import time

from faststream.nats import NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage

from contracts.enums import JobKind
from contracts.events import JobResult, VideoUploadedEvent
from contracts.streams import TRANSCODER, VIDEOS
from services.common.blobs import LocalBlobStore
from services.common.bus import bound_stream
from services.common.media import MediaError
from services.common.settings import BusSettings
from services.common.worker import (
    JobCancelledError,
    JobContext,
    declare_job_publishers,
    run_job,
)
from services.transcoder.encoding import EncodeOptions
from services.transcoder.metrics import Outcome, TranscoderMetrics
from services.transcoder.pipeline import transcode
from services.transcoder.settings import TranscoderSettings

PULL_TIMEOUT_SECONDS = 5.0


class TranscodeWork:
    """The job's sync work, as `run_job` calls it in a thread, with metrics around it."""

    def __init__(self, options: EncodeOptions, metrics: TranscoderMetrics) -> None:
        self._options = options
        self._metrics = metrics
        self._idle = threading.Condition()
        self._running = 0

    def wait_idle(self, timeout: float) -> bool:
        """Block until no job runs in a thread any more; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)

    def __call__(self, context: JobContext) -> JobResult:
        with self._idle:
            self._running += 1
        try:
            return self._transcode(context)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _transcode(self, context: JobContext) -> JobResult:
        started = time.monotonic()
        outcome = Outcome.ERROR
        try:
            result = transcode(context, self._options, on_frames=self._metrics.frames.inc)
        except MediaError:
            outcome = Outcome.FAILED
            raise
        except JobCancelledError:
            outcome = Outcome.INTERRUPTED
            raise
        else:
            outcome = Outcome.COMPLETED
            return result
        finally:
            self._metrics.observe_attempt(outcome, time.monotonic() - started)


def register_transcoder(
    broker: NatsBroker,
    *,
    settings: TranscoderSettings,
    bus: BusSettings,
    store: LocalBlobStore,
    metrics: TranscoderMetrics,
) -> TranscodeWork:
    """Declare the job publishers and the subscriber on `broker`; returns the work it runs."""
    publishers = declare_job_publishers(broker, JobKind.TRANSCODE)
    work = TranscodeWork(settings.encode_options(), metrics)

    @broker.subscriber(
        TRANSCODER.filter_subject,
        stream=bound_stream(VIDEOS),
        durable=TRANSCODER.durable,
        pull_sub=PullSub(batch_size=1, timeout=PULL_TIMEOUT_SECONDS),
        config=settings.consumer_config(TRANSCODER),
        max_workers=1,
        title="transcoder",
        description="Transcodes each upload that lists a transcode job into an MP4 "
        "(or M4A) rendition.",
    )
    async def on_video_uploaded(event: VideoUploadedEvent, message: NatsMessage) -> None:
        if event.job_of_kind(JobKind.TRANSCODE) is None:
            metrics.count_job(Outcome.IGNORED)
            return
        await run_job(
            message=message,
            event=event,
            kind=JobKind.TRANSCODE,
            work=work,
            publishers=publishers,
            store=store,
            settings=settings,
            bus=bus,
        )

    return work
