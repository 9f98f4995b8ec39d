"""SQL of `projected_events`: the ids of state events already projected, so a redelivered
or duplicated event changes nothing."""

from uuid import UUID

from services.gateway.db.pool import Connection

# Beyond JetStream's 7-day retention no event can be redelivered, so nothing to dedupe.
RETENTION = "7 days"


async def first_projection(conn: Connection, event_id: UUID) -> bool:
    """Record that `event_id` is being projected; False when it already was."""
    cursor = await conn.execute(
        "insert into projected_events (event_id) values (%s) on conflict do nothing",
        (event_id,),
    )
    return cursor.rowcount == 1


async def prune_projected(conn: Connection) -> None:
    """Forget event ids older than the retention."""
    await conn.execute(
        f"delete from projected_events where projected_at < now() - interval '{RETENTION}'"
    )
