"""Stopping a worker without losing or stalling its job (SIGTERM, Ctrl-C, a rollout).

When the app shuts down, `Drain.begin` runs first (an `on_shutdown` hook); then the
broker stops its subscriber, which takes no new command and waits for the handler.
The running job gets `grace_seconds` to finish and report normally. After that its
work is told to stop (`JobContext.check_cancelled` raises) and the command is handed
back with a NAK without delay, so another replica takes it at once instead of after
the ack wait. A command that arrives while draining is handed back untouched.
"""

import asyncio
import logging
import threading
from typing import Any, TypeVar

from services.common.worker.context import JobCancelledError

logger = logging.getLogger(__name__)

T = TypeVar("T")

STOP_WAIT_SECONDS = 10.0
"""How long a cancelled job's thread gets to notice and clean up before the hand-back."""
HANDBACK_SECONDS = 5.0
"""Time for the NAK itself to reach the server."""


class JobHandedBackError(Exception):
    """The job did not finish before shutdown; its command goes back to JetStream."""


class Drain:
    """The worker's shutdown state, shared by its handler and its shutdown hook."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self._stopping = asyncio.Event()

    @property
    def shutdown_timeout(self) -> float:
        """The longest a drain can take: the broker's graceful timeout."""
        return self.grace_seconds + STOP_WAIT_SECONDS + HANDBACK_SECONDS

    @property
    def draining(self) -> bool:
        return self._stopping.is_set()

    def begin(self) -> None:
        """Shutdown started: no new job, and the running one's grace period begins."""
        if not self.draining:
            logger.info("draining: a running job has %.0f s to finish", self.grace_seconds)
        self._stopping.set()

    async def outlast(self, work: "asyncio.Future[T]", cancelled: threading.Event) -> T:
        """The work's result; after a shutdown began and the grace passed, stop it and
        raise `JobHandedBackError`. Raises what the work raised otherwise."""
        stopping = asyncio.ensure_future(self._stopping.wait())
        either: set[asyncio.Future[Any]] = {work, stopping}
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not work.done():
            await asyncio.wait({work}, timeout=self.grace_seconds)
        if not work.done():
            logger.warning("the job outlasted the drain grace; stopping it to hand it back")
            cancelled.set()
            await asyncio.wait({work}, timeout=STOP_WAIT_SECONDS)
            if not work.done():
                work.add_done_callback(_retrieve)
                raise JobHandedBackError("the job's thread did not stop in time")
        try:
            return work.result()
        except JobCancelledError as error:
            raise JobHandedBackError from error


def _retrieve(future: "asyncio.Future[Any]") -> None:
    # Nobody awaits a thread left behind; reading its outcome keeps asyncio quiet.
    if not future.cancelled():
        future.exception()
