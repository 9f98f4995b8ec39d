"""SQL of the `videos` table.

Every query a user's request runs filters by `owner_id` even though row-level
security already does (`Database.as_user`): two locks on one door.
"""

from collections.abc import Sequence
from uuid import UUID

from contracts.enums import ProcessingStatus
from services.gateway.db.cursor import Cursor
from services.gateway.db.pool import Connection
from services.gateway.db.records import (
    VIDEO_COLUMNS,
    VideoListRecord,
    VideoRecord,
    video_list_row,
    video_row,
)

# The summary's duration comes from the stored probe; the poster key is its own column.
_LIST_COLUMNS = (
    "v.id, v.title, v.status, v.created_at,"
    " (m.probe ->> 'duration_seconds')::float8 as duration_seconds, m.poster_key"
)


async def insert_video(
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
) -> VideoRecord:
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
    return video


async def get_video(conn: Connection, owner_id: UUID, video_id: UUID) -> VideoRecord | None:
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"select {VIDEO_COLUMNS} from videos where id = %s and owner_id = %s",
            (video_id, owner_id),
        )
        return await cur.fetchone()


async def lock_video(conn: Connection, video_id: UUID) -> VideoRecord | None:
    """The video row, locked until the transaction ends (writers lock it before its jobs)."""
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"select {VIDEO_COLUMNS} from videos where id = %s for update", (video_id,)
        )
        return await cur.fetchone()


async def set_video_status(conn: Connection, video_id: UUID, status: ProcessingStatus) -> None:
    await conn.execute(
        "update videos set status = %s, updated_at = now() where id = %s and status <> %s",
        (status.value, video_id, status.value),
    )


async def list_videos(
    conn: Connection,
    owner_id: UUID,
    *,
    limit: int,
    after: Cursor | None,
    statuses: Sequence[ProcessingStatus] = (),
) -> list[VideoListRecord]:
    """Up to `limit` videos, newest first, after `after`, in any of `statuses` (all when
    empty)."""
    where = "v.owner_id = %s"
    params: list[object] = [owner_id]
    if statuses:
        where += " and v.status = any(%s::processing_status[])"
        params.append([status.value for status in statuses])
    if after is not None:
        where += " and (v.created_at, v.id) < (%s, %s)"
        params += [after.created_at, after.id]
    async with conn.cursor(row_factory=video_list_row) as cur:
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
    async with conn.cursor(row_factory=video_list_row) as cur:
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
    """Delete a video; its jobs, their attempts and its metadata go with it (foreign keys
    cascade)."""
    async with conn.cursor(row_factory=video_row) as cur:
        await cur.execute(
            f"delete from videos where id = %s and owner_id = %s returning {VIDEO_COLUMNS}",
            (video_id, owner_id),
        )
        return await cur.fetchone()
