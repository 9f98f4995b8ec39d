"""SQL of `video_metadata`: the probe stored once (jsonb) and the poster's key."""

from uuid import UUID

from contracts.media import MediaProbe
from services.gateway.db.pool import Connection
from services.gateway.db.records import METADATA_COLUMNS, MetadataRecord, jsonb, metadata_row


async def upsert_metadata(
    conn: Connection, video_id: UUID, owner_id: UUID, probe: MediaProbe, poster_key: str | None
) -> None:
    await conn.execute(
        "insert into video_metadata (video_id, owner_id, probe, poster_key)"
        " values (%s, %s, %s, %s) on conflict (video_id) do update set"
        " probe = excluded.probe, poster_key = excluded.poster_key, updated_at = now()",
        (video_id, owner_id, jsonb(probe.model_dump(mode="json")), poster_key),
    )


async def get_metadata(conn: Connection, owner_id: UUID, video_id: UUID) -> MetadataRecord | None:
    async with conn.cursor(row_factory=metadata_row) as cur:
        await cur.execute(
            f"select {METADATA_COLUMNS} from video_metadata where video_id = %s and owner_id = %s",
            (video_id, owner_id),
        )
        return await cur.fetchone()
