"""SQL for videos, their jobs and metadata, as the API reads and edits them.

Every query a user's request runs filters by `owner_id` even though row-level
security already does (`Database.as_user`): two locks on one door. Rows come back
as frozen records; `views.py` turns them into REST schemas.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.rows import kwargs_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict, field_validator

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from services.gateway.db import Connection
from services.gateway.pagination import Cursor


class Record(BaseModel):
    """A row as read; values are converted to the contract types on the way in."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class VideoRecord(Record):
    id: UUID
    owner_id: UUID
    title: str
    description: str | None
    tags: list[str]
    original_filename: str
    content_type: str | None
    size_bytes: int
    checksum_sha256: str
    source_key: str
    status: ProcessingStatus
    created_at: datetime
    updated_at: datetime


class VideoListRecord(Record):
    """A video with what its summary shows from the metadata."""

    id: UUID
    title: str
    status: ProcessingStatus
    created_at: datetime
    duration_seconds: float | None
    poster_key: str | None


class JobRecord(Record):
    id: UUID
    video_id: UUID
    owner_id: UUID
    kind: JobKind
    status: ProcessingStatus
    progress: float
    eta_seconds: float | None
    attempts: int
    dispatch_count: int
    dispatch_seq: int | None
    error_code: JobErrorCode | None
    error_message: str | None
    retriable: bool | None
    result: dict[str, Any] | None
    version: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    last_event_at: datetime

    @field_validator("progress")
    @classmethod
    def _round_progress(cls, value: float) -> float:
        return round(value, 2)  # stored as `real`: 33.3 reads back as 33.299999...

    @field_validator("eta_seconds")
    @classmethod
    def _round_eta(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 1)


class MetadataRecord(Record):
    video_id: UUID
    owner_id: UUID
    container_format: str
    duration_seconds: float | None
    size_bytes: int
    bit_rate: int | None
    video_codec: str | None
    width: int | None
    height: int | None
    frame_rate: float | None
    audio_codec: str | None
    audio_channels: int | None
    audio_sample_rate: int | None
    probe: dict[str, Any]
    poster_key: str | None
    created_at: datetime
    updated_at: datetime


def _columns(record: type[Record], table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + name for name in record.model_fields)


VIDEO_COLUMNS = _columns(VideoRecord)
JOB_COLUMNS = _columns(JobRecord)
METADATA_COLUMNS = _columns(MetadataRecord)
_LIST_COLUMNS = "v.id, v.title, v.status, v.created_at, m.duration_seconds, m.poster_key"

video_row = kwargs_row(VideoRecord)
job_row = kwargs_row(JobRecord)
metadata_row = kwargs_row(MetadataRecord)
_list_row = kwargs_row(VideoListRecord)


async def insert_upload(
    conn: Connection,
    *,
    video_id: UUID,
    owner_id: UUID,
    title: str,
    original_filename: str,
    content_type: str | None,
    size_bytes: int,
    checksum_sha256: str,
    source_key: str,
    job_ids: dict[JobKind, UUID],
) -> tuple[VideoRecord, list[JobRecord]]:
    """Record an upload and one pending job per kind (the caller owns the transaction)."""
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            "insert into videos (id, owner_id, title, original_filename, content_type,"
            " size_bytes, checksum_sha256, source_key)"
            f" values (%s, %s, %s, %s, %s, %s, %s, %s) returning {VIDEO_COLUMNS}",
            (
                video_id,
                owner_id,
                title,
                original_filename,
                content_type,
                size_bytes,
                checksum_sha256,
                source_key,
            ),
        )
        video = await cur.fetchone()
    assert video is not None
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
    return video, jobs


async def get_video(conn: Connection, owner_id: UUID, video_id: UUID) -> VideoRecord | None:
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"select {VIDEO_COLUMNS} from videos where id = %s and owner_id = %s",
            (video_id, owner_id),
        )
        return await cur.fetchone()


async def list_videos(
    conn: Connection, owner_id: UUID, *, limit: int, after: Cursor | None
) -> list[VideoListRecord]:
    """Up to `limit` videos, newest first, after `after`."""
    where = "v.owner_id = %s"
    params: list[object] = [owner_id]
    if after is not None:
        where += " and (v.created_at, v.id) < (%s, %s)"
        params += [after.created_at, after.id]
    async with conn.cursor(row_factory=_list_row) as cur:
        await cur.execute(
            f"select {_LIST_COLUMNS} from videos v"
            " left join video_metadata m on m.video_id = v.id"
            f" where {where} order by v.created_at desc, v.id desc limit %s",
            [*params, limit],
        )
        return await cur.fetchall()


async def get_video_summary(
    conn: Connection, owner_id: UUID, video_id: UUID
) -> VideoListRecord | None:
    async with conn.cursor(row_factory=_list_row) as cur:
        await cur.execute(
            f"select {_LIST_COLUMNS} from videos v"
            " left join video_metadata m on m.video_id = v.id"
            " where v.id = %s and v.owner_id = %s",
            (video_id, owner_id),
        )
        return await cur.fetchone()


async def update_video(
    conn: Connection, owner_id: UUID, video_id: UUID, changes: dict[str, object]
) -> VideoRecord | None:
    """Set the given descriptive fields (`title`, `description`, `tags`)."""
    assignments = ", ".join(f"{column} = %s" for column in changes)
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"update videos set {assignments}, updated_at = now()"
            f" where id = %s and owner_id = %s returning {VIDEO_COLUMNS}",
            [*changes.values(), video_id, owner_id],
        )
        return await cur.fetchone()


async def delete_video(conn: Connection, owner_id: UUID, video_id: UUID) -> VideoRecord | None:
    """Delete a video; its jobs and metadata go with it (foreign keys cascade)."""
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"delete from videos where id = %s and owner_id = %s returning {VIDEO_COLUMNS}",
            (video_id, owner_id),
        )
        return await cur.fetchone()


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
    statuses: list[ProcessingStatus],
    limit: int,
    after: Cursor | None,
) -> list[JobRecord]:
    """Up to `limit` jobs, newest first, in any of `statuses` (all when empty)."""
    where = "owner_id = %s"
    params: list[object] = [owner_id]
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


async def get_metadata(conn: Connection, owner_id: UUID, video_id: UUID) -> MetadataRecord | None:
    async with conn.cursor(row_factory=metadata_row) as cur:
        await cur.execute(
            f"select {METADATA_COLUMNS} from video_metadata where video_id = %s and owner_id = %s",
            (video_id, owner_id),
        )
        return await cur.fetchone()


def jsonb(value: Any) -> Jsonb:
    """A value to store in a `jsonb` column."""
    return Jsonb(value)
