"""Progress of a ladder: phase, percent of the output written, and an ETA from measured speed."""

import time
from collections.abc import Callable

from contracts.enums import JobPhase

ProgressCallback = Callable[[JobPhase, float | None, float | None], None]
"""Told (phase, percent 0-100 or None without a known duration, ETA seconds or None)."""

REPORT_EVERY_SECONDS = 0.25
ETA_MIN_FRACTION = 0.01
ETA_MIN_SECONDS = 1.0
TRANSCODING_SHARE = 99.0
"""Percent reached when every frame is encoded; packaging takes the last one."""


class LadderProgress:
    """Throttled reports: output time over duration, and the time left at the speed so far."""

    def __init__(
        self,
        report: ProgressCallback,
        duration: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._report = report
        self._duration = duration if duration and duration > 0 else None
        self._clock = clock
        self._started: float | None = None
        self._last = float("-inf")

    def phase(self, phase: JobPhase, percent: float | None) -> None:
        """Report a phase change at once."""
        self._last = self._clock()
        self._report(phase, percent, None)

    def media_time(self, seconds: float) -> None:
        """The output reached `seconds`; reported at most every `REPORT_EVERY_SECONDS`."""
        now = self._clock()
        if self._started is None:
            self._started = now
        if now - self._last < REPORT_EVERY_SECONDS:
            return
        self._last = now
        if self._duration is None:
            self._report(JobPhase.TRANSCODING, None, None)
            return
        fraction = min(1.0, max(0.0, seconds / self._duration))
        elapsed = now - self._started
        eta = None
        if fraction >= ETA_MIN_FRACTION and elapsed >= ETA_MIN_SECONDS:
            eta = elapsed * (1 - fraction) / fraction
        self._report(JobPhase.TRANSCODING, fraction * TRANSCODING_SHARE, eta)
