"""The user's processing jobs: filter, page through, read one in detail, cancel, retry."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.errors import JobError
from contracts.events import JobCancelReason
from contracts.rest import (
    JobAttemptSchema,
    VideoJobListResponseSchema,
    VideoJobResponseSchema,
    VideoJobWithDetailsResponseSchema,
)
from services.common.logging import log_context
from services.gateway.api import playback, views
from services.gateway.api.deps import CurrentUser, OwnedJob, Parts, UserDb
from services.gateway.api.filters import StatusParam, parse_statuses
from services.gateway.api.paging import CursorParam, Limit, cursor_from
from services.gateway.api.problems import (
    COMMON_ERRORS,
    JobNotCancellableError,
    JobNotFoundError,
    JobNotRetriableError,
    problem_responses,
)
from services.gateway.db import jobs, metadata, videos
from services.gateway.db.cursor import DEFAULT_PAGE_SIZE, split_page
from services.gateway.db.pool import Connection
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.pipeline.changes import record_change
from services.gateway.pipeline.lifecycle import failed
from services.gateway.pipeline.outbox import enqueue_cancel, enqueue_command

router = APIRouter(prefix="/api/video-processing-jobs", tags=["processing jobs"])

CANCELLED = JobError(
    code=JobErrorCode.CANCELLED,
    message="Cancelled by its owner; retry it to run it again.",
    retriable=True,
)


@router.get(
    "",
    name="jobs_list",
    summary="List my processing jobs, newest first",
    response_model=VideoJobListResponseSchema,
    responses=problem_responses(*COMMON_ERRORS),
)
async def list_jobs(
    user: CurrentUser,
    conn: UserDb,
    status: StatusParam = None,
    video_id: Annotated[UUID | None, Query(description="Only the jobs of this video.")] = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
) -> VideoJobListResponseSchema:
    records = await jobs.list_jobs(
        conn,
        user.user_id,
        statuses=parse_statuses(status),
        limit=limit + 1,
        after=cursor_from(cursor),
        video_id=video_id,
    )
    page, next_cursor = split_page(records, limit)
    return VideoJobListResponseSchema(
        items=[views.job(record) for record in page], next_cursor=next_cursor
    )


@router.get(
    "/{job_id}",
    name="jobs_get",
    summary="Get a processing job with its video, outputs and earlier attempts",
    response_model=VideoJobWithDetailsResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, JobNotFoundError),
)
async def get_job(job: OwnedJob, conn: UserDb, parts: Parts) -> VideoJobWithDetailsResponseSchema:
    video = await videos.get_video_summary(conn, job.owner_id, job.video_id)
    if video is None:  # the video and its jobs are deleted together; never expected
        raise JobNotFoundError(f"No processing job {job.id}.")
    probe = None
    if job.kind is JobKind.METADATA and job.status is ProcessingStatus.COMPLETED:
        record = await metadata.get_metadata(conn, job.owner_id, job.video_id)
        probe = (
            views.metadata(record, views.metadata_result_of([job]), parts.links) if record else None
        )
    attempts = await jobs.attempts_of(conn, job.owner_id, job.id)
    transcoded = views.transcode_result_of([job])
    return VideoJobWithDetailsResponseSchema(
        **views.job(job).model_dump(),
        video=views.summary(video, parts.links),
        renditions=views.renditions(
            job.video_id, list(transcoded.renditions) if transcoded else [], parts.links
        ),
        outputs=playback.outputs(
            transcoded, playback.sign_folder(parts, job.owner_id, job.video_id)
        )
        if transcoded
        else [],
        metadata=probe,
        previous_attempts=[
            JobAttemptSchema.model_validate(attempt, from_attributes=True) for attempt in attempts
        ],
    )


async def _locked(conn: Connection, job: JobRecord) -> tuple[VideoRecord, JobRecord]:
    video = await videos.lock_video(conn, job.video_id)
    locked = await jobs.lock_job(conn, job.id) if video is not None else None
    if video is None or locked is None:  # deleted meanwhile
        raise JobNotFoundError(f"No processing job {job.id}.")
    return video, locked


@router.post(
    "/{job_id}/cancel",
    name="jobs_cancel",
    summary="Cancel a pending or processing job",
    response_model=VideoJobResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, JobNotFoundError, JobNotCancellableError),
)
async def cancel_job(job: OwnedJob, parts: Parts) -> VideoJobResponseSchema:
    """The job is failed with code `cancelled` (retriable) and its worker told to stop."""
    with log_context(video_id=job.video_id, job_id=job.id):
        async with parts.db.service() as conn:
            video, locked = await _locked(conn, job)
            if locked.status.is_terminal:
                raise JobNotCancellableError(f"The job is already {locked.status.value}.")
            saved = await record_change(conn, video, failed(locked, CANCELLED, datetime.now(UTC)))
            await enqueue_cancel(conn, saved, JobCancelReason.CANCELLED)
        parts.relay.wake()
    return views.job(saved)


@router.post(
    "/{job_id}/retry",
    name="jobs_retry",
    summary="Run a failed job again (a new attempt of the same job)",
    response_model=VideoJobResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, JobNotFoundError, JobNotRetriableError),
)
async def retry_job(job: OwnedJob, parts: Parts) -> VideoJobResponseSchema:
    """How the last attempt ended is kept (`previous_attempts`); the job is `pending` again."""
    with log_context(video_id=job.video_id, job_id=job.id):
        async with parts.db.service() as conn:
            video, locked = await _locked(conn, job)
            if locked.status is not ProcessingStatus.FAILED:
                raise JobNotRetriableError(
                    f"Only a failed job can be retried; this one is {locked.status.value}."
                )
            if locked.retriable is False:
                raise JobNotRetriableError(
                    f"This failure ({locked.error_code}) does not change by trying again: "
                    f"{locked.error_message}"
                )
            await jobs.record_attempt(conn, locked)
            attempt = await jobs.count_dispatch(conn, locked.id)
            fresh = locked.model_copy(
                update={
                    "status": ProcessingStatus.PENDING,
                    "progress": 0.0,
                    "eta_seconds": None,
                    "error_code": None,
                    "error_message": None,
                    "retriable": None,
                    "result": None,
                    "started_at": None,
                    "completed_at": None,
                    "dispatch_count": attempt,
                }
            )
            saved = await record_change(conn, video, fresh)
            await enqueue_command(conn, video, saved.id, saved.kind, attempt)
        parts.relay.wake()
    return views.job(saved)
