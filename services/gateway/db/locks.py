"""Postgres advisory locks that make one gateway replica at a time do a background duty."""

from enum import IntEnum

from services.gateway.db.pool import Connection


class Duty(IntEnum):
    """Advisory lock keys, one per duty that replicas take turns at."""

    OUTBOX_RELAY = 0x65636801
    RECONCILER = 0x65636802


async def take_turn(conn: Connection, duty: Duty) -> None:
    """Wait for `duty`'s lock until the end of the current transaction."""
    await conn.execute("select pg_advisory_xact_lock(%s)", (duty.value,))


async def try_hold(conn: Connection, duty: Duty) -> bool:
    """Take `duty`'s session lock if free; `release` it when done."""
    cursor = await conn.execute("select pg_try_advisory_lock(%s)", (duty.value,))
    row = await cursor.fetchone()
    return bool(row and row[0])


async def release(conn: Connection, duty: Duty) -> None:
    await conn.execute("select pg_advisory_unlock(%s)", (duty.value,))
