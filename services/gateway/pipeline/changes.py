"""What recording a job's change writes, in the caller's transaction: the job's next
version, its video's status, and the status event in the outbox.

Writers lock the video row before the job row, always in that order.
"""

from contracts import subjects
from contracts.enums import ProcessingStatus
from services.gateway.db import jobs, outbox, videos
from services.gateway.db.pool import Connection
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.pipeline.lifecycle import video_status


async def record_change(conn: Connection, video: VideoRecord, job: JobRecord) -> JobRecord:
    """Store `job` (a changed copy of its locked row) and enqueue the news."""
    saved = await jobs.save_job(conn, job)
    overall = video_status(await jobs.job_statuses(conn, video.id))
    if overall is not video.status:
        await videos.set_video_status(conn, video.id, overall)
    await announce(conn, saved, overall)
    return saved


async def announce(conn: Connection, job: JobRecord, overall: ProcessingStatus) -> None:
    """Enqueue the job's recorded state as its status event (`Nats-Msg-Id` = its version)."""
    await outbox.enqueue(
        conn,
        outbox_id=f"status:{job.id}:v{job.version}",
        subject=subjects.job_status(job.owner_id, job.id),
        message=job.status_event(overall),
    )
