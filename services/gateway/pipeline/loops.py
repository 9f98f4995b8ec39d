"""A background loop that runs one pass every interval, or sooner when woken.

Stopping sets a flag and wakes the loop, so the pass in flight finishes and no
new one starts; cancellation is only the fallback after a grace period. Relying
on cancellation alone is not enough on Python 3.11, where `asyncio.wait_for`
(used inside psycopg_pool and nats-py) can swallow a cancellation that arrives
just as the awaited result does, leaving the loop running forever.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Calls `step` every `interval_seconds` (sooner after `wake`) until `stop`."""

    def __init__(
        self, name: str, step: Callable[[], Awaitable[object]], interval_seconds: float
    ) -> None:
        self._name = name
        self._step = step
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=self._name)

    def wake(self) -> None:
        """Run a pass as soon as the current one (if any) is over."""
        self._wake.set()

    async def stop(self, grace_seconds: float) -> None:
        """Let the pass in flight finish (up to `grace_seconds`), then cancel it."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        _, pending = await asyncio.wait({task}, timeout=grace_seconds)
        if pending:
            logger.warning(
                "%s did not stop within %.1f s; cancelling it", self._name, grace_seconds
            )
            task.cancel()
            await asyncio.wait({task})
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s ended with an error", self._name, exc_info=task.exception())

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._step()
            except Exception:  # Postgres or NATS away: the next pass tries again
                logger.exception("%s pass failed", self._name)
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
