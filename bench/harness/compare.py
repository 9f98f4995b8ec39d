"""Running the sides of a comparison interleaved, and summarising them.

Each repeat runs every side once, starting one side later than the repeat before
(A B, B A, A B, ...), so drift in the machine's load, clock or caches spreads over
all sides instead of landing on whichever ran last. Untimed warm-up runs first
load binaries and libraries into memory for every side alike.
"""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bench.harness.machine import Load
from bench.harness.measure import Sample, Side

T = TypeVar("T")


@dataclass(frozen=True)
class Spread:
    """Median, min and max of one measure over the runs of one side."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        return cls(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class SideResult:
    """Every run of one side."""

    label: str
    settings: str
    samples: list[Sample]

    @property
    def wall(self) -> Spread:
        return Spread.of([s.wall_seconds for s in self.samples])

    @property
    def cpu(self) -> Spread:
        return Spread.of([s.cpu_seconds for s in self.samples])

    @property
    def peak_rss(self) -> Spread | None:
        values = [s.peak_rss_bytes for s in self.samples]
        known = [v for v in values if v is not None]
        return Spread.of(known) if known and len(known) == len(values) else None

    def figure(self, name: str) -> Spread | None:
        values = [s.figures[name] for s in self.samples if name in s.figures]
        return Spread.of(values) if values and len(values) == len(self.samples) else None


@dataclass(frozen=True)
class Comparison:
    """One task measured on every side; the first side is Echo, the second its baseline."""

    task: str
    subject: str
    sides: list[SideResult]
    orders: list[list[str]]
    load_before: Load
    load_after: Load

    @property
    def echo(self) -> SideResult:
        return self.sides[0]

    @property
    def baseline(self) -> SideResult:
        return self.sides[1]

    def ratio(self, measure: Callable[[SideResult], Spread | None]) -> float | None:
        """Echo's median over the baseline's (lower is better for Echo)."""
        echo, baseline = measure(self.echo), measure(self.baseline)
        if echo is None or baseline is None or baseline.median == 0:
            return None
        return echo.median / baseline.median


def rotated(sides: Sequence[T], repeat_index: int) -> list[T]:
    """The run order of repeat `repeat_index`: each repeat starts one side later."""
    shift = repeat_index % len(sides)
    return [*sides[shift:], *sides[:shift]]


def compare(
    task: str,
    subject: str,
    sides: Sequence[Side],
    *,
    repeat: int,
    warmup: int = 1,
    on_run: Callable[[], None] = lambda: None,
) -> Comparison:
    """Run each side `warmup` times untimed, then `repeat` times interleaved."""
    if len(sides) < 2:
        raise ValueError("a comparison needs Echo and at least one baseline")
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    load_before = Load.now()
    for _ in range(warmup):
        for side in sides:
            side.run()
            on_run()
    samples: dict[str, list[Sample]] = {side.label: [] for side in sides}
    orders: list[list[str]] = []
    for index in range(repeat):
        order = rotated(sides, index)
        orders.append([side.label for side in order])
        for side in order:
            samples[side.label].append(side.run())
            on_run()
    return Comparison(
        task=task,
        subject=subject,
        sides=[SideResult(side.label, side.settings, samples[side.label]) for side in sides],
        orders=orders,
        load_before=load_before,
        load_after=Load.now(),
    )
