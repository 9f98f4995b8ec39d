"""Running one job from a `VideoUploadedEvent` delivery: the part both workers share.

The CPU-bound work is a plain sync function run in a thread. Meanwhile the event
loop keeps the JetStream delivery alive (`in_progress` every ack_wait/3) and
publishes throttled progress events. The outcome decides the ack:

- success: `JobCompletedEvent` (same message id on every attempt), then ack;
- `MediaError` (bad input): `JobFailedEvent` at once, then ack; never retried;
- anything else: nack with backoff, and on the last allowed delivery a
  retriable `JobFailedEvent` so the job never stays `processing`;
- cancellation (shutdown): no ack, so JetStream redelivers to another replica.
"""

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from faststream.exceptions import NackMessage
from faststream.nats import NatsBroker
from faststream.nats.message import NatsMessage
from faststream.nats.publisher.usecase import LogicPublisher
from nats.js.api import AckPolicy, ConsumerConfig
from pydantic import Field

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobRef,
    JobResult,
    JobStartedEvent,
    VideoUploadedEvent,
)
from contracts.streams import JOBS, ConsumerSpec
from services.common.blobs import LocalBlobStore
from services.common.bus import bound_stream, publish_event
from services.common.logging import log_context
from services.common.media import MediaError, MediaLimits
from services.common.settings import BusSettings, ServiceSettings

logger = logging.getLogger(__name__)

_E = TypeVar("_E", bound=JobEvent)


class WorkerSettings(ServiceSettings):
    """Tuning every worker has; each worker subclasses it with its own env prefix."""

    ack_wait_seconds: float = Field(
        default=60, gt=0, description="JetStream redelivers a job not heard of for this long."
    )
    max_deliver: int = Field(default=5, ge=1, description="Deliveries of one dispatch at most.")
    max_ack_pending: int = Field(
        default=64, ge=1, description="Jobs in flight across all replicas of this worker."
    )
    progress_interval_seconds: float = Field(
        default=1.0, gt=0, description="Least time between two progress events of a job."
    )
    retry_base_delay_seconds: float = Field(
        default=2.0, gt=0, description="First retry delay after a transient error; doubles."
    )
    max_duration_seconds: float = Field(default=4 * 3600, gt=0, description="Longest input.")
    max_pixels: int = Field(default=7680 * 4320, gt=0, description="Largest input picture.")
    max_decode_seconds: float = Field(
        default=3600, gt=0, description="Wall-clock budget of one job."
    )

    def media_limits(self) -> MediaLimits:
        return MediaLimits(
            max_duration_seconds=self.max_duration_seconds,
            max_pixels=self.max_pixels,
            max_decode_seconds=self.max_decode_seconds,
        )

    def consumer_config(self, spec: ConsumerSpec) -> ConsumerConfig:
        """The worker's durable consumer, fully specified (never the server's defaults)."""
        return ConsumerConfig(
            durable_name=spec.durable,
            filter_subject=spec.filter_subject,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait_seconds,
            max_deliver=self.max_deliver,
            max_ack_pending=self.max_ack_pending,
        )


@dataclass
class JobContext:
    """What a job's sync work function gets."""

    event: VideoUploadedEvent
    job: JobRef
    attempt: int
    source_path: Path
    store: LocalBlobStore
    limits: MediaLimits
    cancelled: threading.Event
    _report: Callable[[float, float | None], None] = field(repr=False)

    def report_progress(self, percent: float, eta_seconds: float | None = None) -> None:
        """Thread-safe; called as often as convenient, events are throttled."""
        self._report(max(0.0, min(100.0, percent)), eta_seconds)

    def check_cancelled(self) -> None:
        """Stop work early when the worker is shutting down (raises `JobCancelledError`)."""
        if self.cancelled.is_set():
            raise JobCancelledError


class JobCancelledError(Exception):
    """The worker is stopping; the job will be redelivered."""


JobWork = Callable[[JobContext], JobResult]


@dataclass
class JobPublishers:
    """The publishers of one worker's job events (declared once, for AsyncAPI too)."""

    started: LogicPublisher
    progress: LogicPublisher
    completed: LogicPublisher
    failed: LogicPublisher


def declare_job_publishers(broker: NatsBroker, kind: JobKind) -> JobPublishers:
    """Declare a worker's publishers on its broker."""
    stream = bound_stream(JOBS)

    def publisher(name: str, schema: type, description: str) -> LogicPublisher:
        return broker.publisher(
            subjects.job_event(kind, name), stream=stream, schema=schema, description=description
        )

    return JobPublishers(
        started=publisher("started", JobStartedEvent, f"A {kind} job began."),
        progress=publisher("progress", JobProgressEvent, f"A {kind} job is this far along."),
        completed=publisher("completed", JobCompletedEvent, f"A {kind} job finished."),
        failed=publisher("failed", JobFailedEvent, f"A {kind} job failed."),
    )


class _ProgressPump:
    """Carries progress from the work thread to the loop, keeping only the latest."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._latest: tuple[float, float | None] | None = None
        self._changed = asyncio.Event()

    def report(self, percent: float, eta: float | None) -> None:
        self._loop.call_soon_threadsafe(self._set, percent, eta)

    def _set(self, percent: float, eta: float | None) -> None:
        self._latest = (percent, eta)
        self._changed.set()

    async def next(self) -> tuple[float, float | None]:
        await self._changed.wait()
        self._changed.clear()
        assert self._latest is not None
        return self._latest


async def run_job(
    *,
    message: NatsMessage,
    event: VideoUploadedEvent,
    kind: JobKind,
    work: JobWork,
    publishers: JobPublishers,
    store: LocalBlobStore,
    settings: WorkerSettings,
    bus: BusSettings,
) -> None:
    """Run this worker's job of `event`, if it lists one; see the module doc for acks."""
    job = event.job_of_kind(kind)
    if job is None:
        return
    metadata = message.raw_message.metadata
    attempt = int(metadata.num_delivered) if metadata else 1
    with log_context(video_id=event.video_id, job_id=job.job_id, attempt=attempt):
        runner = _JobRun(message, event, job, attempt, publishers, store, settings, bus)
        await runner.run(work)


class _JobRun:
    def __init__(
        self,
        message: NatsMessage,
        event: VideoUploadedEvent,
        job: JobRef,
        attempt: int,
        publishers: JobPublishers,
        store: LocalBlobStore,
        settings: WorkerSettings,
        bus: BusSettings,
    ) -> None:
        self.bus = bus
        self.message = message
        self.event = event
        self.job = job
        self.attempt = attempt
        self.publishers = publishers
        self.store = store
        self.settings = settings
        self.delivery_tag = f"{job.job_id}:{event.dispatch_attempt}:{attempt}"

    def _event(self, event_type: type[_E], **fields: Any) -> _E:
        return event_type(
            video_id=self.event.video_id,
            owner_id=self.event.owner_id,
            job_id=self.job.job_id,
            kind=self.job.kind,
            attempt=self.attempt,
            **fields,
        )

    async def run(self, work: JobWork) -> None:
        logger.info("job started")
        await publish_event(
            self.publishers.started,
            self._event(JobStartedEvent),
            msg_id=f"{self.delivery_tag}:started",
            settings=self.bus,
        )
        cancelled = threading.Event()
        pump = _ProgressPump(asyncio.get_running_loop())
        context = JobContext(
            event=self.event,
            job=self.job,
            attempt=self.attempt,
            source_path=self.store.path(self.event.source.key),
            store=self.store,
            limits=self.settings.media_limits(),
            cancelled=cancelled,
            _report=pump.report,
        )
        keepalive = asyncio.create_task(self._keep_alive())
        progress = asyncio.create_task(self._publish_progress(pump))
        try:
            result = await asyncio.to_thread(work, context)
        except asyncio.CancelledError:
            cancelled.set()
            logger.warning("job interrupted by shutdown; it will be redelivered")
            raise
        except MediaError as error:
            await self._fail(error.error)
            return
        except Exception as error:
            await self._retry_or_fail(error)
            return
        finally:
            for task in (keepalive, progress):
                task.cancel()
            for task in (keepalive, progress):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await publish_event(
            self.publishers.completed,
            self._event(JobCompletedEvent, result=result),
            msg_id=f"{self.job.job_id}:completed",
            settings=self.bus,
        )
        logger.info("job completed")

    async def _keep_alive(self) -> None:
        interval = self.settings.ack_wait_seconds / 3
        while True:
            await asyncio.sleep(interval)
            await self.message.in_progress()

    async def _publish_progress(self, pump: _ProgressPump) -> None:
        sequence = 0
        last_sent = 0.0
        while True:
            percent, eta = await pump.next()
            wait = self.settings.progress_interval_seconds - (time.monotonic() - last_sent)
            if wait > 0:
                await asyncio.sleep(wait)
                percent, eta = pump._latest or (percent, eta)
            sequence += 1
            last_sent = time.monotonic()
            try:
                await publish_event(
                    self.publishers.progress,
                    self._event(JobProgressEvent, percent=round(percent, 2), eta_seconds=eta),
                    msg_id=f"{self.delivery_tag}:progress:{sequence}",
                    settings=self.bus,
                )
            except Exception:  # progress is advisory: never fail a job over it
                logger.warning("progress event not published", exc_info=True)

    async def _fail(self, error: JobError) -> None:
        logger.warning("job failed: %s: %s", error.code, error.message)
        await publish_event(
            self.publishers.failed,
            self._event(JobFailedEvent, error=error),
            msg_id=f"{self.job.job_id}:failed",
            settings=self.bus,
        )

    async def _retry_or_fail(self, error: Exception) -> None:
        if isinstance(error, JobCancelledError):
            raise NackMessage(delay=0)
        if self.attempt >= self.settings.max_deliver:
            logger.error("job failed on its last attempt", exc_info=error)
            await self._fail(
                JobError(
                    code=JobErrorCode.INTERNAL,
                    message=f"Processing failed {self.attempt} times because of an internal "
                    "error. Retry later; if it persists, contact the operators with this job id.",
                    retriable=True,
                )
            )
            return
        delay = self.settings.retry_base_delay_seconds * 2 ** (self.attempt - 1)
        logger.warning("job attempt failed, retrying in %.1f s", delay, exc_info=error)
        raise NackMessage(delay=delay)
