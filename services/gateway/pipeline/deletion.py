"""Deleting a video completely, in one transaction: its rows, a cancel command for each
job still open, and the `VideoDeletedEvent` fact (whose publication first purges the
jobs' retained statuses, see `outbox`). The caller removes the files after commit.

Messages about the jobs not yet published are dropped in the same transaction, so
nothing about them reaches the bus after the purge; the cancel commands go out first
(the relay keeps the order of the outbox), then the fact.
"""

from uuid import UUID

from contracts import subjects
from contracts.events import JobCancelReason, VideoDeletedEvent
from services.gateway.db import jobs, outbox, videos
from services.gateway.db.pool import Database
from services.gateway.db.records import JobRecord
from services.gateway.pipeline.outbox import enqueue_cancel


async def delete_video(db: Database, owner_id: UUID, video_id: UUID) -> list[JobRecord] | None:
    """Delete the owner's video; returns its jobs as they were, or None when no such video."""
    async with db.service() as conn:
        video = await videos.lock_video(conn, video_id)
        if video is None or video.owner_id != owner_id:
            return None
        its_jobs = await jobs.jobs_of_video(conn, owner_id, video_id)
        for job in its_jobs:
            await outbox.drop_unpublished_of_job(
                conn, job.id, subjects.job_status(owner_id, job.id)
            )
            if not job.status.is_terminal:
                await enqueue_cancel(conn, job, JobCancelReason.VIDEO_DELETED)
        await outbox.enqueue(
            conn,
            outbox_id=f"deleted:{video_id}",
            subject=subjects.VIDEO_DELETED,
            message=VideoDeletedEvent(
                video_id=video_id, owner_id=owner_id, job_ids=[job.id for job in its_jobs]
            ),
        )
        await videos.delete_video(conn, owner_id, video_id)
    return its_jobs
