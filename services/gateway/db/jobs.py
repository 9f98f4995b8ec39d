"""SQL of `video_jobs`: the API's reads, the state machine's writes, the reconciler's
deadlines and the progress sampler's batched flush."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from psycopg.rows import kwargs_row

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from services.gateway.db.cursor import Cursor
from services.gateway.db.pool import Connection
from services.gateway.db.records import JOB_COLUMNS, JobRecord, Record, columns, job_row, jsonb


async def insert_jobs(
    conn: Connection, video_id: UUID, owner_id: UUID, job_ids: dict[JobKind, UUID]
) -> list[JobRecord]:
    """One `pending` job per kind, each counted as dispatched once (its first command)."""
    jobs: list[JobRecord] = []
    async with conn.cursor(row_factory=job_row) as cur:
        for kind, job_id in job_ids.items():
            await cur.execute(
                "insert into video_jobs (id, video_id, owner_id, kind)"
                f" values (%s, %s, %s, %s) returning {JOB_COLUMNS}",
                (job_id, video_id, owner_id, kind.value),
            )
            job = await cur.fetchone()
            assert job is not None
            jobs.append(job)
    return jobs


async def jobs_of_video(conn: Connection, owner_id: UUID, video_id: UUID) -> list[JobRecord]:
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where video_id = %s and owner_id = %s"
            " order by kind",
            (video_id, owner_id),
        )
        return await cur.fetchall()


async def get_job(conn: Connection, owner_id: UUID, job_id: UUID) -> JobRecord | None:
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where id = %s and owner_id = %s",
            (job_id, owner_id),
        )
        return await cur.fetchone()


async def list_jobs(
    conn: Connection,
    owner_id: UUID,
    *,
    statuses: Sequence[ProcessingStatus],
    limit: int,
    after: Cursor | None,
    video_id: UUID | None = None,
) -> list[JobRecord]:
    """Up to `limit` jobs, newest first, in any of `statuses` (all when empty), of one
    video when given."""
    where = "owner_id = %s"
    params: list[object] = [owner_id]
    if video_id is not None:
        where += " and video_id = %s"
        params.append(video_id)
    if statuses:
        where += " and status = any(%s::processing_status[])"
        params.append([status.value for status in statuses])
    if after is not None:
        where += " and (created_at, id) < (%s, %s)"
        params += [after.created_at, after.id]
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where {where}"
            " order by created_at desc, id desc limit %s",
            [*params, limit],
        )
        return await cur.fetchall()


async def lock_job(conn: Connection, job_id: UUID) -> JobRecord | None:
    """The job row, locked until the transaction ends (lock its video first)."""
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where id = %s for update", (job_id,)
        )
        return await cur.fetchone()


async def save_job(conn: Connection, job: JobRecord) -> JobRecord:
    """Store `job`'s state as the row's next version; returns the row as written."""
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            "update video_jobs set status = %s, progress = %s, eta_seconds = %s,"
            " attempts = %s, error_code = %s, error_message = %s, retriable = %s,"
            " result = %s, started_at = %s, completed_at = %s, version = version + 1,"
            " updated_at = now(), last_event_at = now()"
            f" where id = %s returning {JOB_COLUMNS}",
            (
                job.status.value,
                job.progress,
                job.eta_seconds,
                job.attempts,
                job.error_code.value if job.error_code else None,
                job.error_message,
                job.retriable,
                jsonb(job.result) if job.result is not None else None,
                job.started_at,
                job.completed_at,
                job.id,
            ),
        )
        saved = await cur.fetchone()
    assert saved is not None
    return saved


async def touch_job(conn: Connection, job_id: UUID) -> None:
    """A sign of life that changed nothing visible: only the reconciler's clock moves."""
    await conn.execute("update video_jobs set last_event_at = now() where id = %s", (job_id,))


async def job_statuses(conn: Connection, video_id: UUID) -> list[ProcessingStatus]:
    cursor = await conn.execute("select status from video_jobs where video_id = %s", (video_id,))
    return [ProcessingStatus(row[0]) for row in await cursor.fetchall()]


@dataclass(frozen=True)
class Deadlines:
    """How long a job may go without a sign of life, by status."""

    pending_seconds: float
    processing_seconds: float

    def params(self) -> dict[str, float]:
        return {"pending": self.pending_seconds, "processing": self.processing_seconds}


_STALE = (
    "((status = 'pending' and last_event_at < now() - make_interval(secs => %(pending)s))"
    " or (status = 'processing'"
    " and last_event_at < now() - make_interval(secs => %(processing)s)))"
)


async def stale_jobs(conn: Connection, deadlines: Deadlines, limit: int) -> list[tuple[UUID, UUID]]:
    """`(job_id, video_id)` of jobs silent past their deadline, the longest silent first."""
    cursor = await conn.execute(
        f"select id, video_id from video_jobs where {_STALE}"
        " order by last_event_at limit %(limit)s",
        {**deadlines.params(), "limit": limit},
    )
    return [(row[0], row[1]) for row in await cursor.fetchall()]


async def lock_if_stale(conn: Connection, job_id: UUID, deadlines: Deadlines) -> JobRecord | None:
    """The job, locked, if it is still silent past its deadline (checked under the lock:
    an event may have arrived since the scan)."""
    async with conn.cursor(row_factory=job_row) as cur:
        await cur.execute(
            f"select {JOB_COLUMNS} from video_jobs where id = %(id)s and {_STALE} for update",
            {**deadlines.params(), "id": job_id},
        )
        return await cur.fetchone()


async def count_dispatch(conn: Connection, job_id: UUID) -> int:
    """Record one more dispatch of the job and restart its clock; returns the attempt."""
    cursor = await conn.execute(
        "update video_jobs set dispatch_count = dispatch_count + 1, last_event_at = now()"
        " where id = %s returning dispatch_count",
        (job_id,),
    )
    row = await cursor.fetchone()
    assert row is not None
    attempt: int = row[0]
    return attempt


@dataclass(frozen=True)
class ProgressSample:
    """The latest progress a worker reported for a job."""

    job_id: UUID
    owner_id: UUID
    progress: float
    eta_seconds: float | None
    reported_at: datetime


async def write_progress(conn: Connection, samples: Sequence[ProgressSample]) -> int:
    """Store every sample in one statement, on jobs still `processing`; returns the rows
    updated. No version bump and no status event: progress is not state. The sign of life
    is the gateway's clock (the sample is at most one flush old), not the worker's."""
    cursor = await conn.execute(
        "update video_jobs j set progress = s.progress, eta_seconds = s.eta,"
        " last_event_at = now()"
        " from unnest(%s::uuid[], %s::uuid[], %s::real[], %s::real[])"
        " as s(id, owner_id, progress, eta)"
        " where j.id = s.id and j.owner_id = s.owner_id and j.status = 'processing'",
        (
            [sample.job_id for sample in samples],
            [sample.owner_id for sample in samples],
            [sample.progress for sample in samples],
            [sample.eta_seconds for sample in samples],
        ),
    )
    return cursor.rowcount


async def record_attempt(conn: Connection, job: JobRecord) -> None:
    """Keep how the job's latest attempt ended, before it is retried."""
    await conn.execute(
        "insert into job_attempts (job_id, attempt, owner_id, status, error_code, error_message,"
        " started_at, ended_at) values (%s, %s, %s, %s, %s, %s, %s, %s)"
        " on conflict (job_id, attempt) do nothing",
        (
            job.id,
            job.dispatch_count,
            job.owner_id,
            job.status.value,
            job.error_code.value if job.error_code else None,
            job.error_message,
            job.started_at,
            job.completed_at,
        ),
    )


class AttemptRecord(Record):
    attempt: int
    status: ProcessingStatus
    error_code: JobErrorCode | None
    error_message: str | None
    started_at: datetime | None
    ended_at: datetime | None
    retried_at: datetime


_attempt_row = kwargs_row(AttemptRecord)


async def attempts_of(conn: Connection, owner_id: UUID, job_id: UUID) -> list[AttemptRecord]:
    """The job's earlier attempts, oldest first."""
    async with conn.cursor(row_factory=_attempt_row) as cur:
        await cur.execute(
            f"select {columns(AttemptRecord)} from job_attempts"
            " where job_id = %s and owner_id = %s order by attempt",
            (job_id, owner_id),
        )
        return await cur.fetchall()


async def last_retried_attempt(conn: Connection, job_id: UUID) -> int:
    """The latest attempt the owner replaced by a retry (0 when never retried)."""
    cursor = await conn.execute(
        "select coalesce(max(attempt), 0) from job_attempts where job_id = %s", (job_id,)
    )
    row = await cursor.fetchone()
    return int(row[0]) if row else 0
