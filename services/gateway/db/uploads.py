"""SQL of `uploads` (resumable uploads in progress) and of a user's stored bytes."""

from datetime import datetime
from uuid import UUID

from psycopg.rows import kwargs_row

from services.gateway.db.pool import Connection
from services.gateway.db.records import Record, columns, jsonb


class UploadRecord(Record):
    id: UUID
    owner_id: UUID
    length: int
    offset: int
    metadata: dict[str, str]
    title: str
    filename: str
    content_type: str | None
    staging_key: str
    validated: bool
    expires_at: datetime
    created_at: datetime


_COLUMNS = columns(UploadRecord).replace("offset", '"offset"')
_row = kwargs_row(UploadRecord)


async def insert_upload(
    conn: Connection,
    *,
    upload_id: UUID,
    owner_id: UUID,
    length: int,
    metadata: dict[str, str],
    title: str,
    filename: str,
    content_type: str | None,
    staging_key: str,
    expiry_seconds: float,
) -> UploadRecord:
    async with conn.cursor(row_factory=_row) as cur:
        await cur.execute(
            "insert into uploads (id, owner_id, length, metadata, title, filename, content_type,"
            " staging_key, expires_at)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, now() + make_interval(secs => %s))"
            f" returning {_COLUMNS}",
            (
                upload_id,
                owner_id,
                length,
                jsonb(metadata),
                title,
                filename,
                content_type,
                staging_key,
                expiry_seconds,
            ),
        )
        upload = await cur.fetchone()
    assert upload is not None
    return upload


async def get_upload(conn: Connection, owner_id: UUID, upload_id: UUID) -> UploadRecord | None:
    async with conn.cursor(row_factory=_row) as cur:
        await cur.execute(
            f"select {_COLUMNS} from uploads where id = %s and owner_id = %s",
            (upload_id, owner_id),
        )
        return await cur.fetchone()


async def lock_upload(conn: Connection, owner_id: UUID, upload_id: UUID) -> UploadRecord | None:
    """The upload, locked until the transaction ends: one writer at a time."""
    async with conn.cursor(row_factory=_row) as cur:
        await cur.execute(
            f"select {_COLUMNS} from uploads where id = %s and owner_id = %s for update nowait",
            (upload_id, owner_id),
        )
        return await cur.fetchone()


async def advance(conn: Connection, upload_id: UUID, offset: int, *, validated: bool) -> None:
    await conn.execute(
        'update uploads set "offset" = %s, validated = validated or %s, updated_at = now()'
        " where id = %s",
        (offset, validated, upload_id),
    )


async def delete_upload(conn: Connection, upload_id: UUID) -> None:
    await conn.execute("delete from uploads where id = %s", (upload_id,))


async def expired_uploads(conn: Connection, limit: int) -> list[UploadRecord]:
    """Uploads past their expiry, locked (skipping any a request holds)."""
    async with conn.cursor(row_factory=_row) as cur:
        await cur.execute(
            f"select {_COLUMNS} from uploads where expires_at < now()"
            " order by expires_at limit %s for update skip locked",
            (limit,),
        )
        return await cur.fetchall()


async def stored_bytes(conn: Connection, owner_id: UUID) -> tuple[int, int, int]:
    """`(bytes, videos, uploads in progress)` of one user: videos plus declared upload lengths."""
    cursor = await conn.execute(
        "select coalesce((select sum(size_bytes) from videos where owner_id = %(o)s), 0)"
        " + coalesce((select sum(length) from uploads where owner_id = %(o)s), 0),"
        " (select count(*) from videos where owner_id = %(o)s),"
        " (select count(*) from uploads where owner_id = %(o)s)",
        {"o": owner_id},
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])
