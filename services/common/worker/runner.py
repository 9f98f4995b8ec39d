"""One delivery of a job's command: `started`, the work in a thread, `completed` or `failed`.

The whole run is under one guard, so every error ends in one of three ways:

- the input cannot be used (`MediaError`): `JobFailedEvent` at once, ack, never retried;
- anything else (the work, a publish, the blob store): NAK with a growing delay, and
  on the last allowed delivery a retriable `internal_error` failure, then ack;
- a failure event that cannot be published: NAK with a delay, never a silent ack;
- the job was cancelled (`cancel.py`), before it started, while it ran or before its
  outputs became visible: its staged outputs are removed, nothing is published (the
  gateway recorded the outcome), ack.

The work's outputs are staged (`outputs.py`) and renamed into place only after a last
look for a cancel, right before `completed` is published.

While the work runs in its thread the loop sends `in_progress()` every ack_wait/3,
so JetStream never redelivers a live job, and publishes throttled progress.
Shutdown is `Drain`'s business: finish within the grace, or hand the command back.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from faststream.exceptions import NackMessage
from faststream.nats.annotations import NatsMessage
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobErrorCode
from contracts.errors import JobError
from contracts.events import (
    JobCancelReason,
    JobCompletedEvent,
    JobEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobRequestedCommand,
    JobResult,
    JobStartedEvent,
)
from contracts.subjects import JobStateEvent
from services.common.blobs import LocalBlobStore
from services.common.bus import publish_event, state_event_msg_id
from services.common.logging import log_context
from services.common.media import MediaError
from services.common.settings import BusSettings
from services.common.worker.background import in_background
from services.common.worker.cancel import Cancellation, RunningJobs, stored_cancel
from services.common.worker.context import JobContext, JobWork
from services.common.worker.drain import Drain, JobHandedBackError
from services.common.worker.metrics import JobOutcome, WorkerMetrics
from services.common.worker.progress import ProgressPump, ProgressReport, progress_msg_id
from services.common.worker.publishers import JobPublishers
from services.common.worker.settings import WorkerSettings

logger = logging.getLogger(__name__)

_E = TypeVar("_E", bound=JobEvent)

STORED_CANCEL_INTERVAL_SECONDS = 5.0
"""How often a running job looks for a stored cancel, in case the live one was missed."""

JetStreamProvider = Callable[[], Awaitable[JetStreamContext]]
"""The worker's JetStream context, once its broker is connected."""


class _JobCancelledByCommandError(Exception):
    """The job was cancelled: it ends with nothing written and nothing published."""


@dataclass(frozen=True)
class Settlement:
    """How a delivery ended: its outcome, and the NAK delay when it is not acked."""

    outcome: JobOutcome
    nack_delay: float | None = None


def delivery_of(message: NatsMessage) -> int:
    """JetStream's delivery count of a message (1 the first time)."""
    metadata = message.raw_message.metadata
    return int(metadata.num_delivered) if metadata and metadata.num_delivered else 1


@dataclass(frozen=True)
class JobRunner:
    """Everything a worker needs to run any command of its kind."""

    work: JobWork
    publishers: JobPublishers
    store: LocalBlobStore
    settings: WorkerSettings
    bus: BusSettings
    metrics: WorkerMetrics
    drain: Drain
    jetstream: JetStreamProvider
    running: RunningJobs

    async def __call__(
        self, command: JobRequestedCommand, message: NatsMessage, delivery: int
    ) -> None:
        """Handle delivery `delivery` of a command; returns to ack, raises `NackMessage` to
        have JetStream deliver it again (after the NAK's delay)."""
        with log_context(
            video_id=command.video_id,
            job_id=command.job_id,
            attempt=command.attempt,
            delivery=delivery,
        ):
            began = time.monotonic()
            settlement = Settlement(JobOutcome.INTERRUPTED)
            try:
                settlement = await self._settle(command, message, delivery)
            finally:
                self.metrics.observe_delivery(settlement.outcome, time.monotonic() - began)
            if settlement.nack_delay is not None:
                raise NackMessage(delay=settlement.nack_delay)

    async def _settle(
        self, command: JobRequestedCommand, message: NatsMessage, delivery: int
    ) -> Settlement:
        if self.drain.draining:
            logger.info("shutting down: command handed back untouched")
            return Settlement(JobOutcome.HANDED_BACK, nack_delay=0)
        job = _Delivery(self, command, delivery)
        async with _heartbeat(message, self.settings.ack_wait_seconds / 3):
            return await job.settle()


class _Delivery:
    """One delivery of one command, from `started` to its settlement."""

    def __init__(self, runner: JobRunner, command: JobRequestedCommand, delivery: int) -> None:
        self.runner = runner
        self.command = command
        self.delivery = delivery
        self.settings = runner.settings
        self.cancellation = Cancellation(command)
        self.pump = ProgressPump(
            self._publish_progress,
            self.settings.progress_interval_seconds,
            self.runner.metrics.observe_phase,
        )
        self.context = JobContext(
            command=command,
            store=runner.store,
            limits=self.settings.media_limits(),
            delivery=delivery,
            cancelled=self.cancellation.flag,
            reporter=self.pump.report,
            deferred_outputs=True,
        )

    async def settle(self) -> Settlement:
        # Tracked before the first look, so a cancel published in between is heard live.
        with self.runner.running.tracking(self.cancellation):
            try:
                return await self._settle()
            finally:
                await asyncio.to_thread(
                    self.context.outputs.discard,
                    video_deleted=self.cancellation.reason is JobCancelReason.VIDEO_DELETED,
                )

    async def _settle(self) -> Settlement:
        try:
            await self._stop_if_cancelled()
            logger.info("job started")
            await self._publish_state(JobStateEvent.STARTED, self._event(JobStartedEvent))
            result = await self._work()
            await self._stop_if_cancelled()
            await asyncio.to_thread(self.context.outputs.commit)
            await self._publish_state(
                JobStateEvent.COMPLETED, self._event(JobCompletedEvent, result=result)
            )
        except _JobCancelledByCommandError:
            return self._cancelled()
        except JobHandedBackError:
            logger.warning("job handed back to JetStream for another replica")
            return Settlement(JobOutcome.HANDED_BACK, nack_delay=0)
        except MediaError as error:
            if await self._was_cancelled():
                return self._cancelled()
            logger.warning("job failed: %s: %s", error.error.code, error.error.message)
            return await self._fail(error.error, JobOutcome.FAILED)
        except Exception as error:
            if await self._was_cancelled():
                return self._cancelled()
            return await self._retry_or_fail(error)
        logger.info("job completed")
        return Settlement(JobOutcome.COMPLETED)

    def _cancelled(self) -> Settlement:
        logger.info(
            "job cancelled (%s): nothing written, nothing reported", self.cancellation.reason
        )
        return Settlement(JobOutcome.CANCELLED)

    async def _stop_if_cancelled(self) -> None:
        """Raise `_JobCancelledByCommandError` if a cancel was heard or is stored."""
        if not self.cancellation.cancelled:
            cancel = await stored_cancel(await self.runner.jetstream(), self.command)
            if cancel is not None:
                self.cancellation.cancel(cancel.reason)
        if self.cancellation.cancelled:
            raise _JobCancelledByCommandError

    async def _was_cancelled(self) -> bool:
        """Whether an error is only the consequence of a cancel (e.g. the video's files
        were deleted under the job); a failed look counts as not cancelled."""
        try:
            await self._stop_if_cancelled()
        except _JobCancelledByCommandError:
            return True
        except Exception:
            logger.warning("could not look for a cancel of the job", exc_info=True)
        return False

    async def _work(self) -> JobResult:
        context = self.context
        async with self.pump.running(), in_background(self._watch_stored_cancel()):
            work = asyncio.ensure_future(asyncio.to_thread(self.runner.work, context))
            try:
                return await self.runner.drain.outlast(work, context.cancelled)
            except JobHandedBackError:
                if self.cancellation.cancelled:
                    raise _JobCancelledByCommandError from None
                raise
            except asyncio.CancelledError:
                context.cancelled.set()
                raise

    async def _watch_stored_cancel(self) -> None:
        while not self.cancellation.cancelled:
            await asyncio.sleep(STORED_CANCEL_INTERVAL_SECONDS)
            try:
                await self._stop_if_cancelled()
            except _JobCancelledByCommandError:
                return
            except Exception:
                logger.warning("could not look for a cancel of the job", exc_info=True)

    async def _retry_or_fail(self, error: Exception) -> Settlement:
        if self.delivery >= self.settings.max_deliver:
            logger.error("job failed on its last allowed delivery", exc_info=error)
            failure = JobError(
                code=JobErrorCode.INTERNAL,
                message=f"Processing failed {self.delivery} times because of an internal "
                "error. Retry later; if it persists, contact the operators with this job id.",
                retriable=True,
            )
            return await self._fail(failure, JobOutcome.EXHAUSTED)
        delay = self.settings.retry_delay(self.delivery)
        logger.warning("job delivery failed; retrying in %.1f s", delay, exc_info=error)
        return Settlement(JobOutcome.RETRIED, nack_delay=delay)

    async def _fail(self, error: JobError, outcome: JobOutcome) -> Settlement:
        try:
            await self._publish_state(
                JobStateEvent.FAILED, self._event(JobFailedEvent, error=error)
            )
        except Exception:
            delay = self.settings.retry_delay(self.delivery)
            logger.exception("the failure could not be reported; retrying in %.1f s", delay)
            return Settlement(JobOutcome.RETRIED, nack_delay=delay)
        return Settlement(outcome)

    def _event(self, event_type: type[_E], **fields: Any) -> _E:
        return event_type(
            video_id=self.command.video_id,
            owner_id=self.command.owner_id,
            job_id=self.command.job_id,
            kind=self.command.kind,
            attempt=self.command.attempt,
            delivery=self.delivery,
            **fields,
        )

    async def _publish_state(self, name: JobStateEvent, event: JobEvent) -> None:
        await publish_event(
            self.runner.publishers.of_state(name),
            event,
            msg_id=state_event_msg_id(
                self.command.job_id, self.command.attempt, self.delivery, name
            ),
            settings=self.runner.bus,
        )

    async def _publish_progress(self, report: ProgressReport, tick: int) -> None:
        if self.cancellation.cancelled:
            return  # the job's record is final: a late tick would only mislead its readers
        await publish_event(
            self.runner.publishers.progress,
            self._event(
                JobProgressEvent,
                progress=report.percent,
                eta_seconds=report.eta_seconds,
                phase=report.phase,
            ),
            msg_id=progress_msg_id(self.command.job_id, self.command.attempt, self.delivery, tick),
            settings=self.runner.bus.model_copy(update={"nats_publish_attempts": 1}),
            subject=subjects.job_progress(self.command.owner_id, self.command.job_id),
        )


@contextlib.asynccontextmanager
async def _heartbeat(message: NatsMessage, interval: float) -> AsyncIterator[None]:
    """`in_progress()` every `interval` while the block runs. A missed beat is logged, not
    raised: the job's own publishes will meet a lasting outage and settle it properly."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await message.in_progress()
            except Exception:
                logger.warning("in-progress ack not sent", exc_info=True)

    async with in_background(beat()):
        yield
