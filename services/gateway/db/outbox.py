"""SQL of the transactional outbox (`event_outbox`)."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from services.gateway.db.pool import Connection
from services.gateway.db.records import jsonb

# Published rows are kept as long as JetStream keeps messages, for inspection.
RETENTION = "7 days"


async def enqueue(conn: Connection, *, outbox_id: str, subject: str, message: BaseModel) -> None:
    """Record `message` for publication once the caller's transaction commits.

    Ids are deterministic (`uploaded:<video>`, `job:<job>:requested:<n>`,
    `status:<job>:v<n>`): writing the same one twice keeps the first.
    """
    # clock_timestamp(), not the transaction's start time: a job's next version is written
    # only after the previous one committed, so this orders each job's messages correctly.
    await conn.execute(
        "insert into event_outbox (id, subject, payload, created_at)"
        " values (%s, %s, %s, clock_timestamp()) on conflict (id) do nothing",
        (outbox_id, subject, jsonb(message.model_dump(mode="json"))),
    )


@dataclass(frozen=True)
class OutboxRow:
    id: str
    subject: str
    payload: Any


async def claim_unpublished(conn: Connection, limit: int) -> list[OutboxRow]:
    """The oldest unpublished rows, locked until the transaction ends."""
    cursor = await conn.execute(
        "select id, subject, payload from event_outbox where published_at is null"
        " order by created_at, id limit %s for update skip locked",
        (limit,),
    )
    return [OutboxRow(*row) for row in await cursor.fetchall()]


async def mark_published(conn: Connection, outbox_ids: list[str]) -> None:
    await conn.execute(
        "update event_outbox set published_at = now() where id = any(%s)", (outbox_ids,)
    )


async def drop_unpublished_of_job(conn: Connection, job_id: UUID, status_subject: str) -> None:
    """Forget the job's messages not yet published (its commands and statuses): the job
    is being deleted, and nothing about it may reach the bus after its purge."""
    await conn.execute(
        "delete from event_outbox where published_at is null and (id like %s or subject = %s)",
        (f"job:{job_id}:requested:%", status_subject),
    )


async def backlog(conn: Connection) -> tuple[int, float]:
    """Unpublished rows and the age in seconds of the oldest (0 when none)."""
    cursor = await conn.execute(
        "select count(*), coalesce(extract(epoch from now() - min(created_at))::float8, 0)"
        " from event_outbox where published_at is null"
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), float(row[1])


async def prune_published(conn: Connection) -> None:
    """Forget published rows older than the retention."""
    await conn.execute(
        f"delete from event_outbox where published_at < now() - interval '{RETENTION}'"
    )
