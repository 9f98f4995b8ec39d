"""The reconciler: no job stays `pending` or `processing` forever.

A job with no sign of life (`last_event_at`: a state event, a progress flush or
its last dispatch) past its deadline is dispatched again: the same
`JobRequestedCommand` with the next attempt, through the outbox. When the last
allowed dispatch also went silent the job is failed as `stalled`.

A `pending` job is left alone while its kind's command consumer
(`contracts.streams.WORKERS[kind]`, the documented mapping) still has commands
it has not delivered, or does not exist yet: the job is queued behind busy (or
not yet started) workers, not lost. Nothing else of the workers is read.

One replica reconciles at a time (a Postgres advisory lock); each job is handled
in its own short transaction.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.errors import JobError
from contracts.streams import WORKERS
from services.common.logging import log_context
from services.gateway.db import jobs, outbox, projected, videos
from services.gateway.db.jobs import Deadlines
from services.gateway.db.locks import Duty, release, try_hold
from services.gateway.db.pool import Connection, Database
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.metrics import GatewayMetrics
from services.gateway.pipeline.changes import record_change
from services.gateway.pipeline.lifecycle import failed
from services.gateway.pipeline.loops import Periodic
from services.gateway.pipeline.outbox import OutboxRelay, enqueue_command
from services.gateway.settings import GatewaySettings

logger = logging.getLogger(__name__)

_CANDIDATES_PER_PASS = 500


@dataclass
class ReconcileReport:
    """What one pass did."""

    redispatched: list[UUID] = field(default_factory=list)
    stalled: list[UUID] = field(default_factory=list)
    queued: list[UUID] = field(default_factory=list)


class Reconciler:
    """Re-dispatches silent jobs and fails the hopeless ones; `loop` runs it periodically."""

    def __init__(
        self,
        db: Database,
        relay: OutboxRelay,
        metrics: GatewayMetrics,
        settings: GatewaySettings,
    ) -> None:
        self._db = db
        self._relay = relay
        self._metrics = metrics
        self._max_dispatches = settings.reconciler_max_dispatches
        self._deadlines = Deadlines(
            pending_seconds=settings.reconciler_pending_deadline_seconds,
            processing_seconds=settings.reconciler_processing_deadline_seconds,
        )
        self._js: JetStreamContext | None = None
        self.loop = Periodic("reconciler", self.run_once, settings.reconciler_interval_seconds)

    def attach(self, js: JetStreamContext) -> None:
        """Where to read the command consumers' backlog from, once connected."""
        self._js = js

    async def run_once(self) -> ReconcileReport | None:
        """One pass; `None` when another replica holds the reconciler lock."""
        async with self._db.connection() as conn:
            if not await try_hold(conn, Duty.RECONCILER):
                return None
            try:
                report = await self._pass(conn)
            finally:
                await release(conn, Duty.RECONCILER)
        if report.redispatched or report.stalled:
            self._relay.wake()
        return report

    async def _pass(self, conn: Connection) -> ReconcileReport:
        report = ReconcileReport()
        queued_kinds = await self._kinds_with_queued_commands()
        for job_id, video_id in await jobs.stale_jobs(conn, self._deadlines, _CANDIDATES_PER_PASS):
            with log_context(video_id=video_id, job_id=job_id):
                async with conn.transaction():
                    await self._reconcile(conn, job_id, video_id, queued_kinds, report)
        async with conn.transaction():
            await projected.prune_projected(conn)
            await outbox.prune_published(conn)
        return report

    async def _kinds_with_queued_commands(self) -> set[JobKind]:
        """Kinds whose command consumer has undelivered commands, or does not exist yet.

        A kind whose consumer cannot be read now is left out, so its jobs are
        reconciled on deadlines alone.
        """
        queued: set[JobKind] = set()
        if self._js is None:
            return queued
        for kind, spec in WORKERS.items():
            try:
                info = await self._js.consumer_info(spec.stream, spec.durable)
            except NotFoundError:
                queued.add(kind)  # no consumer: every command waits in the stream
                continue
            except Exception:  # a bus hiccup must not stop the reconciler
                logger.warning("backlog of consumer %s unknown", spec.durable, exc_info=True)
                continue
            if info.num_pending:
                queued.add(kind)
        return queued

    async def _reconcile(
        self,
        conn: Connection,
        job_id: UUID,
        video_id: UUID,
        queued_kinds: set[JobKind],
        report: ReconcileReport,
    ) -> None:
        video = await videos.lock_video(conn, video_id)
        job = await jobs.lock_if_stale(conn, job_id, self._deadlines) if video else None
        if video is None or job is None:
            return
        if job.status is ProcessingStatus.PENDING and job.kind in queued_kinds:
            report.queued.append(job.id)
        elif job.dispatch_count >= self._max_dispatches:
            await self._fail_stalled(conn, video, job)
            report.stalled.append(job.id)
        else:
            await self._redispatch(conn, video, job)
            report.redispatched.append(job.id)

    async def _redispatch(self, conn: Connection, video: VideoRecord, job: JobRecord) -> None:
        attempt = await jobs.count_dispatch(conn, job.id)
        await enqueue_command(conn, video, job.id, job.kind, attempt)
        self._metrics.redispatches.labels(job.kind.value).inc()
        logger.warning(
            "%s job %s went silent; dispatched again (attempt %d)", job.kind, job.status, attempt
        )

    async def _fail_stalled(self, conn: Connection, video: VideoRecord, job: JobRecord) -> None:
        deadline = (
            self._deadlines.pending_seconds
            if job.status is ProcessingStatus.PENDING
            else self._deadlines.processing_seconds
        )
        error = JobError(
            code=JobErrorCode.STALLED,
            message=(
                f"Processing stopped: no {job.kind} worker reported on this job for "
                f"{_duration(deadline)}, after {job.dispatch_count} attempts. The {job.kind} "
                "service may be down or overloaded. Upload the file again later; if this keeps "
                "happening, ask the operators to check the service."
            ),
            retriable=True,
        )
        await record_change(conn, video, failed(job, error, datetime.now(UTC)))
        self._metrics.stalled.labels(job.kind.value).inc()
        logger.error("%s job failed as stalled after %d dispatches", job.kind, job.dispatch_count)


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds)} seconds"
