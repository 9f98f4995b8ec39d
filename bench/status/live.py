"""A browser's side: one WebSocket per user on the notifier, every message timed."""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect


@dataclass(frozen=True)
class Received:
    """One message a client got, and when (`time.perf_counter`)."""

    at: float
    message: dict[str, Any]


@dataclass
class LiveClients:
    """Every user's connection; `received` grows as messages arrive."""

    received: list[Received] = field(default_factory=list)
    _connections: list[ClientConnection] = field(default_factory=list)
    _readers: list["asyncio.Task[None]"] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(
        self, ws_url: str, users: list[uuid.UUID], token: Callable[[uuid.UUID], str]
    ) -> None:
        for user in users:
            connection = await connect(f"{ws_url}?access_token={token(user)}", max_queue=None)
            self._connections.append(connection)
            self._readers.append(asyncio.create_task(self._read(connection)))

    async def _read(self, connection: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            async for raw in connection:
                self.received.append(Received(time.perf_counter(), json.loads(raw)))
                self._arrived.set()

    async def wait_for(self, done: Callable[[list[Received]], bool], seconds: float) -> bool:
        """Wait until `done(received)` holds; False if `seconds` passed first."""
        deadline = time.perf_counter() + seconds
        while not done(self.received):
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), min(left, 0.5))
        return True

    async def close(self) -> None:
        for connection in self._connections:
            await connection.close()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
