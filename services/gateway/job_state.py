"""How a job's recorded state changes, and what every change also writes.

A job moves `pending → processing → completed|failed` and never leaves a
terminal state. Each change bumps `video_jobs.version`, recomputes the video's
status and records a `JobStatusChangedEvent` in the outbox, all in the caller's
transaction. Writers lock the video row before the job row, always in that order.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from contracts import subjects
from contracts.enums import JobErrorCode, ProcessingStatus
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobStartedEvent,
    JobStatusChangedEvent,
)
from services.gateway.db import Connection
from services.gateway.outbox import enqueue
from services.gateway.repository import (
    JOB_COLUMNS,
    VIDEO_COLUMNS,
    JobRecord,
    VideoRecord,
    job_row,
    jsonb,
    video_row,
)

WorkerEvent = JobStartedEvent | JobProgressEvent | JobCompletedEvent | JobFailedEvent


@dataclass(frozen=True)
class JobState:
    """The columns of a job that events change."""

    status: ProcessingStatus
    progress: float
    eta_seconds: float | None
    attempts: int
    error_code: JobErrorCode | None
    error_message: str | None
    retriable: bool | None
    result: dict[str, Any] | None
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, job: JobRecord) -> "JobState":
        return cls(
            status=job.status,
            progress=job.progress,
            eta_seconds=job.eta_seconds,
            attempts=job.attempts,
            error_code=job.error_code,
            error_message=job.error_message,
            retriable=job.retriable,
            result=job.result,
            started_at=job.started_at,
            completed_at=job.completed_at,
        )

    def failed(self, error: JobError, at: datetime) -> "JobState":
        return replace(
            self,
            status=ProcessingStatus.FAILED,
            eta_seconds=None,
            error_code=error.code,
            error_message=error.message,
            retriable=error.retriable,
            completed_at=at,
        )


def apply_event(state: JobState, event: WorkerEvent) -> JobState:
    """The state after `event`; a terminal state stays as it is."""
    if state.status.is_terminal:
        return state
    match event:
        case JobStartedEvent():
            return replace(
                state,
                status=ProcessingStatus.PROCESSING,
                attempts=state.attempts + 1,
                started_at=state.started_at or event.occurred_at,
            )
        case JobProgressEvent():
            return replace(
                state,
                status=ProcessingStatus.PROCESSING,
                progress=round(event.percent, 2),
                eta_seconds=event.eta_seconds,
            )
        case JobCompletedEvent():
            return replace(
                state,
                status=ProcessingStatus.COMPLETED,
                progress=100.0,
                eta_seconds=None,
                result=event.result.model_dump(mode="json"),
                started_at=state.started_at or event.occurred_at,
                completed_at=event.occurred_at,
            )
        case JobFailedEvent():
            return state.failed(event.error, event.occurred_at)


def video_status(job_statuses: list[ProcessingStatus]) -> ProcessingStatus:
    """A video's status from its jobs' (see docs/architecture.md, "Job status model")."""
    if ProcessingStatus.FAILED in job_statuses:
        return ProcessingStatus.FAILED
    if job_statuses and all(status is ProcessingStatus.COMPLETED for status in job_statuses):
        return ProcessingStatus.COMPLETED
    if any(status is not ProcessingStatus.PENDING for status in job_statuses):
        return ProcessingStatus.PROCESSING
    return ProcessingStatus.PENDING


async def lock_video(conn: Connection, video_id: UUID) -> VideoRecord | None:
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"select {VIDEO_COLUMNS} from videos where id = %s for update", (video_id,)
        )
        return await cur.fetchone()


async def lock_job(conn: Connection, job_id: UUID) -> JobRecord | None:
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where id = %s for update", (job_id,)
        )
        return await cur.fetchone()


async def touch(conn: Connection, job_id: UUID) -> None:
    """A sign of life that changed nothing visible: only the reconciler's clock moves."""
    await conn.execute("update video_jobs set last_event_at = now() where id = %s", (job_id,))


async def record_change(
    conn: Connection, video: VideoRecord, job: JobRecord, state: JobState
) -> JobRecord:
    """Store `state` as the job's next version, update the video, and enqueue the news.

    The caller holds the locks of `video` and `job` (`lock_video`, then `lock_job`).
    """
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            "update video_jobs set status = %s, progress = %s, eta_seconds = %s,"
            " attempts = %s, error_code = %s, error_message = %s, retriable = %s,"
            " result = %s, started_at = %s, completed_at = %s, version = version + 1,"
            " updated_at = now(), last_event_at = now()"
            f" where id = %s returning {JOB_COLUMNS}",
            (
                state.status.value,
                state.progress,
                state.eta_seconds,
                state.attempts,
                state.error_code.value if state.error_code else None,
                state.error_message,
                state.retriable,
                jsonb(state.result) if state.result is not None else None,
                state.started_at,
                state.completed_at,
                job.id,
            ),
        )
        updated = await cur.fetchone()
    assert updated is not None
    overall = await refresh_video_status(conn, video)
    await enqueue_status(conn, updated, overall)
    return updated


async def refresh_video_status(conn: Connection, video: VideoRecord) -> ProcessingStatus:
    cursor = await conn.execute("select status from video_jobs where video_id = %s", (video.id,))
    overall = video_status([ProcessingStatus(row[0]) for row in await cursor.fetchall()])
    if overall is not video.status:
        await conn.execute(
            "update videos set status = %s, updated_at = now() where id = %s",
            (overall.value, video.id),
        )
    return overall


async def enqueue_status(conn: Connection, job: JobRecord, overall: ProcessingStatus) -> None:
    """Record the job's current state as a `JobStatusChangedEvent` (id = its version)."""
    event = JobStatusChangedEvent(
        video_id=job.video_id,
        owner_id=job.owner_id,
        job_id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        eta_seconds=job.eta_seconds,
        error_code=job.error_code,
        error_message=job.error_message,
        version=job.version,
        video_status=overall,
    )
    await enqueue(
        conn,
        outbox_id=f"status:{job.id}:v{job.version}",
        subject=subjects.job_status(job.owner_id, job.id),
        event=event,
    )
