"""The per-user storage quota: videos plus resumable uploads in progress (their full length)."""

from uuid import UUID

from services.gateway.api.problems import QuotaExceededError
from services.gateway.db import uploads
from services.gateway.db.pool import Connection


async def ensure_room(conn: Connection, owner_id: UUID, incoming: int, quota: int | None) -> None:
    """413 `quota_exceeded` unless `incoming` more bytes fit in the owner's quota.

    Serialised per owner (a transaction lock), so two concurrent uploads cannot both
    take the last free bytes.
    """
    if quota is None:
        return
    await conn.execute("select pg_advisory_xact_lock(hashtextextended(%s, 8))", (str(owner_id),))
    used, _, _ = await uploads.stored_bytes(conn, owner_id)
    if used + incoming > quota:
        raise QuotaExceededError(
            f"This upload needs {incoming} bytes; {max(quota - used, 0)} of your "
            f"{quota}-byte quota are free."
        )
