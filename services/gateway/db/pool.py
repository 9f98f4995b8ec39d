"""The Postgres connection pool and the two ways the gateway uses a connection.

- `as_user(user_id)`: a transaction as the `authenticated` role with the user's
  JWT claims set, so row-level security applies exactly as it does for
  supabase-js (the SQL filters by owner as well).
- `service()`: a transaction as the connection's own role, for what the gateway
  does on its own behalf (uploads' inserts, projector, outbox, reconciler).
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from services.common.settings import DatabaseSettings

Connection = AsyncConnection[TupleRow]


class Database:
    """A pool of autocommit connections; every unit of work opens its own transaction."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self._timeout = settings.database_timeout_seconds
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            settings.database_url.get_secret_value(),
            kwargs={"autocommit": True},
            min_size=settings.database_pool_min_size,
            max_size=settings.database_pool_max_size,
            timeout=settings.database_timeout_seconds,
            # A connection broken by a Postgres restart is replaced, not handed out.
            check=AsyncConnectionPool.check_connection,
            name="gateway",
            open=False,
        )

    async def open(self) -> None:
        await self._pool.open(wait=True, timeout=self._timeout)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A pooled autocommit connection, e.g. to hold a session advisory lock."""
        async with self._pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def service(self) -> AsyncIterator[Connection]:
        """A transaction as the gateway's own role."""
        async with self._pool.connection() as conn, conn.transaction():
            yield conn

    @asynccontextmanager
    async def as_user(self, user_id: UUID) -> AsyncIterator[Connection]:
        """A transaction in which Postgres sees the request's user, as Supabase would."""
        claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("set local role authenticated")
            await conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
            yield conn

    async def is_ready(self) -> bool:
        """True when a connection can be had and answers (the caller bounds the wait)."""
        async with self._pool.connection() as conn:
            await conn.execute("select 1")
        return True
