"""Recording an upload: one transaction holds the video row, one `pending` job per kind,
and the outbox rows that announce them.

The outbox gets the `VideoUploadedEvent` fact (for any subscriber), one
`JobRequestedCommand` per job (attempt 1; the workers act on these), and each
job's status event at version 1 (so live views start from `pending`). The relay
publishes them after commit; a crash in between is repaired by its next pass.
"""

from dataclasses import dataclass
from uuid import UUID, uuid4

from contracts import subjects
from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobRef, VideoUploadedEvent
from services.gateway.db import jobs, outbox, videos
from services.gateway.db.pool import Connection, Database
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.pipeline.changes import announce
from services.gateway.pipeline.outbox import enqueue_command, source_of


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded file already in blob storage, and what the client said about it."""

    owner_id: UUID
    video_id: UUID
    key: str
    title: str
    original_filename: str
    content_type: str | None
    size_bytes: int
    sha256: str


async def record_upload(db: Database, upload: StoredUpload) -> tuple[VideoRecord, list[JobRecord]]:
    """The video, its jobs and their announcements, in one transaction."""
    async with db.service() as conn:
        return await record_upload_in(conn, upload)


async def record_upload_in(
    conn: Connection, upload: StoredUpload
) -> tuple[VideoRecord, list[JobRecord]]:
    """`record_upload` inside the caller's transaction (a resumable upload's last chunk)."""
    video = await videos.insert_video(
        conn,
        video_id=upload.video_id,
        owner_id=upload.owner_id,
        title=upload.title,
        original_filename=upload.original_filename,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        checksum_sha256=upload.sha256,
        source_key=upload.key,
    )
    recorded = await jobs.insert_jobs(
        conn, video.id, video.owner_id, {kind: uuid4() for kind in JobKind}
    )
    fact = VideoUploadedEvent(
        video_id=video.id,
        owner_id=video.owner_id,
        source=source_of(video),
        original_filename=video.original_filename,
        jobs=[JobRef(job_id=job.id, kind=job.kind) for job in recorded],
    )
    await outbox.enqueue(
        conn, outbox_id=f"uploaded:{video.id}", subject=subjects.VIDEO_UPLOADED, message=fact
    )
    for job in recorded:
        await enqueue_command(conn, video, job.id, job.kind, job.dispatch_count)
        await announce(conn, job, ProcessingStatus.PENDING)
    return video, recorded
