"""Progress of a transcode: share of the source decoded, and an honest ETA."""

import time
from collections.abc import Callable

PROGRESS_EVERY_SECONDS = 0.2
ENCODED_PERCENT = 99.0
"""Where encoding ends: the last percent is the encoder flush, the fast-start rewrite,
syncing, hashing and reading back the output."""
ETA_MIN_FRACTION = 0.01
ETA_MIN_SECONDS = 1.0
"""An ETA is estimated only once this much work was measured."""


class ProgressMeter:
    """Share of the source decoded, with an ETA from the speed so far.

    Without a declared duration there is no honest percentage, so nothing is
    reported (the delivery is still kept alive by `run_job`).
    """

    def __init__(
        self,
        report: Callable[[float, float | None], None],
        duration: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._report = report
        self._duration = duration
        self._clock = clock
        self._started = clock()
        self._last_report = float("-inf")

    def update(self, media_seconds: float, *, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._last_report < PROGRESS_EVERY_SECONDS:
            return
        self._last_report = now
        if not self._duration:
            return
        fraction = min(1.0, max(0.0, media_seconds / self._duration))
        elapsed = now - self._started
        eta = None
        if fraction >= ETA_MIN_FRACTION and elapsed >= ETA_MIN_SECONDS:
            eta = elapsed * (1 - fraction) / fraction
        self._report(fraction * ENCODED_PERCENT, eta)
