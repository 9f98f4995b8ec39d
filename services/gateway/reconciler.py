"""The reconciler: no job stays `pending` or `processing` forever.

A job with no sign of life (`last_event_at`) past its deadline is dispatched
again, unless it is `pending` with its dispatch still queued in ECHO_VIDEOS
beyond what its worker consumer has been handed (busy workers are not lost
work): a new `VideoUploadedEvent` listing only that job, with `dispatch_attempt`
= its new `dispatch_count`. When the last allowed dispatch also went silent the
job is failed as `stalled`. One replica reconciles at a time (a Postgres
advisory lock); each job is handled in its own short transaction.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.errors import JobError
from contracts.events import JobRef, VideoUploadedEvent
from contracts.media import BlobRef
from services.common.logging import log_context
from services.gateway.db import Connection, Database
from services.gateway.dispatch_queue import DispatchQueue
from services.gateway.job_state import JobState, lock_video, record_change
from services.gateway.loops import Periodic
from services.gateway.metrics import GatewayMetrics
from services.gateway.outbox import OutboxRelay, enqueue
from services.gateway.repository import JOB_COLUMNS, JobRecord, VideoRecord, job_row
from services.gateway.settings import GatewaySettings

logger = logging.getLogger(__name__)

_RECONCILER_LOCK = 0x65636802
_CANDIDATES_PER_PASS = 500
# Beyond JetStream's 7-day retention no event can be redelivered, so nothing to dedupe.
_RETENTION = "7 days"

_STALE = (
    "(status = 'pending' and last_event_at < now() - make_interval(secs => %(pending)s))"
    " or (status = 'processing' and last_event_at < now() - make_interval(secs => %(processing)s))"
)


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
        queue: DispatchQueue,
    ) -> None:
        self._db = db
        self._queue = queue
        self._relay = relay
        self._metrics = metrics
        self._settings = settings
        self._deadlines = {
            "pending": settings.reconciler_pending_deadline_seconds,
            "processing": settings.reconciler_processing_deadline_seconds,
        }
        self.loop = Periodic("reconciler", self.run_once, settings.reconciler_interval_seconds)

    async def run_once(self) -> ReconcileReport | None:
        """One pass; `None` when another replica holds the reconciler lock."""
        async with self._db.connection() as conn:
            cursor = await conn.execute("select pg_try_advisory_lock(%s)", (_RECONCILER_LOCK,))
            row = await cursor.fetchone()
            if row is None or not row[0]:
                return None
            try:
                report = await self._pass(conn)
            finally:
                await conn.execute("select pg_advisory_unlock(%s)", (_RECONCILER_LOCK,))
        if report.redispatched or report.stalled:
            self._relay.wake()
        return report

    async def _pass(self, conn: Connection) -> ReconcileReport:
        report = ReconcileReport()
        positions = await self._queue.delivered_positions()
        cursor = await conn.execute(
            f"select id, video_id from video_jobs where {_STALE}"
            " order by last_event_at limit %(limit)s",
            {**self._deadlines, "limit": _CANDIDATES_PER_PASS},
        )
        for job_id, video_id in await cursor.fetchall():
            with log_context(video_id=video_id, job_id=job_id):
                async with conn.transaction():
                    await self._reconcile(conn, job_id, video_id, report, positions)
        async with conn.transaction():
            await conn.execute(
                f"delete from projected_events where projected_at < now() - interval '{_RETENTION}'"
            )
            await conn.execute(
                f"delete from event_outbox where published_at < now() - interval '{_RETENTION}'"
            )
        return report

    async def _reconcile(
        self,
        conn: Connection,
        job_id: UUID,
        video_id: UUID,
        report: ReconcileReport,
        positions: dict[JobKind, int],
    ) -> None:
        video = await lock_video(conn, video_id)
        if video is None:
            return
        async with conn.cursor(row_factory=job_row) as cur:
            # Checked again under the lock: an event may have arrived since the scan.
            await cur.execute(
                f"select {JOB_COLUMNS} from video_jobs where id = %(id)s and ({_STALE}) for update",
                {**self._deadlines, "id": job_id},
            )
            job = await cur.fetchone()
        if job is None:
            return
        if _still_queued(job, positions):
            report.queued.append(job.id)
            return
        if job.dispatch_count >= self._settings.reconciler_max_dispatches:
            await self._fail_stalled(conn, video, job)
            report.stalled.append(job.id)
        else:
            await self._redispatch(conn, video, job)
            report.redispatched.append(job.id)

    async def _redispatch(self, conn: Connection, video: VideoRecord, job: JobRecord) -> None:
        cursor = await conn.execute(
            "update video_jobs set dispatch_count = dispatch_count + 1, last_event_at = now()"
            " where id = %s returning dispatch_count",
            (job.id,),
        )
        row = await cursor.fetchone()
        assert row is not None
        attempt: int = row[0]
        event = VideoUploadedEvent(
            video_id=video.id,
            owner_id=video.owner_id,
            source=BlobRef(
                key=video.source_key,
                size_bytes=video.size_bytes,
                sha256=video.checksum_sha256,
                content_type=video.content_type,
            ),
            original_filename=video.original_filename,
            jobs=[JobRef(job_id=job.id, kind=job.kind)],
            dispatch_attempt=attempt,
        )
        await enqueue(
            conn,
            outbox_id=f"dispatch:{job.id}:{attempt}",
            subject=subjects.VIDEO_UPLOADED,
            event=event,
        )
        self._metrics.redispatches.labels(job.kind.value).inc()
        logger.warning(
            "%s job %s went silent; dispatched again (attempt %d)", job.kind, job.status, attempt
        )

    async def _fail_stalled(self, conn: Connection, video: VideoRecord, job: JobRecord) -> None:
        deadline = self._deadlines[job.status.value]
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
        state = JobState.of(job).failed(error, datetime.now(UTC))
        await record_change(conn, video, job, state)
        self._metrics.stalled.labels(job.kind.value).inc()
        logger.error("%s job failed as stalled after %d dispatches", job.kind, job.dispatch_count)


def _still_queued(job: JobRecord, positions: dict[JobKind, int]) -> bool:
    """Whether the job's dispatch waits in the stream, not yet handed to any worker."""
    delivered = positions.get(job.kind)
    return (
        job.status is ProcessingStatus.PENDING
        and job.dispatch_seq is not None
        and delivered is not None
        and delivered < job.dispatch_seq
    )


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds)} seconds"
