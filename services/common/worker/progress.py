"""A running job's progress: from its work thread to `echo.progress.<owner>.<job>`.

The work reports as often as it likes; the loop keeps only the latest report and
publishes at most one `JobProgressEvent` per `progress_interval_seconds`. Progress
is advisory: a failed publish is logged and forgotten, never a reason to fail a job,
and the next report supersedes it anyway (one publish attempt, no retries).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from contracts.enums import JobPhase
from services.common.worker.background import in_background

logger = logging.getLogger(__name__)

PublishProgress = Callable[["ProgressReport", int], Awaitable[None]]
"""Publishes one report as the job's tick number `n` (1, 2, ...)."""
ObservePhase = Callable[[JobPhase, float], None]
"""Told how many seconds the job spent in a phase, when it leaves it."""


def progress_msg_id(job_id: UUID, attempt: int, delivery: int, tick: int) -> str:
    """The `Nats-Msg-Id` of a progress event: one per attempt, delivery and tick, so a
    redelivered job's progress is never dropped as a duplicate of the first delivery's."""
    return f"job:{job_id}:{attempt}:progress:{delivery}:{tick}"


@dataclass(frozen=True)
class ProgressReport:
    percent: float
    eta_seconds: float | None
    phase: JobPhase | None


class ProgressPump:
    """Carries reports from the work thread to the loop and publishes them, throttled."""

    def __init__(
        self, publish: PublishProgress, interval: float, observe_phase: ObservePhase
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._publish = publish
        self._interval = interval
        self._observe_phase = observe_phase
        self._latest: ProgressReport | None = None
        self._changed = asyncio.Event()
        self._phase: JobPhase | None = None
        self._phase_since = 0.0

    def report(self, percent: float, eta_seconds: float | None, phase: JobPhase | None) -> None:
        """Called from the work thread."""
        self._loop.call_soon_threadsafe(self._take, percent, eta_seconds, phase, time.monotonic())

    def _take(
        self, percent: float, eta_seconds: float | None, phase: JobPhase | None, at: float
    ) -> None:
        if phase is not None and phase is not self._phase:
            self._close_phase(at)
            self._phase, self._phase_since = phase, at
        self._latest = ProgressReport(round(percent, 2), eta_seconds, self._phase)
        self._changed.set()

    def _close_phase(self, at: float) -> None:
        if self._phase is not None:
            self._observe_phase(self._phase, at - self._phase_since)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Publish while the block runs; the phase the job ended in is measured on exit."""
        try:
            async with in_background(self._pump()):
                yield
        finally:
            self._close_phase(time.monotonic())

    async def _pump(self) -> None:
        tick = 0
        while True:
            await self._changed.wait()
            self._changed.clear()
            assert self._latest is not None
            tick += 1
            try:
                await self._publish(self._latest, tick)
            except Exception:  # advisory: the next report supersedes this one
                logger.warning("progress event not published", exc_info=True)
            await asyncio.sleep(self._interval)
