"""The benchmark harness every benchmark in `bench/` uses.

A benchmark builds `Side`s (Echo and its baseline doing the same work), runs them
with `compare` (interleaved, order rotated each repeat, warm-up first), collects the
`Comparison`s in a `BenchRun` with the `Machine` and its load, then `show`s them and,
with `--save`, writes them as JSON under `bench/results/`.
"""

from bench.harness.cli import common_arguments, finish
from bench.harness.compare import Comparison, SideResult, Spread, compare, rotated
from bench.harness.machine import Load, Machine, require_cli
from bench.harness.measure import (
    BenchError,
    InProcessSide,
    ProcessSide,
    Sample,
    Side,
    cpu_seconds,
    current_rss,
    peak_rss,
    reset_peak_rss,
)
from bench.harness.report import BenchRun, markdown, show

__all__ = [
    "BenchError",
    "BenchRun",
    "Comparison",
    "InProcessSide",
    "Load",
    "Machine",
    "ProcessSide",
    "Sample",
    "Side",
    "SideResult",
    "Spread",
    "common_arguments",
    "compare",
    "cpu_seconds",
    "current_rss",
    "finish",
    "markdown",
    "peak_rss",
    "require_cli",
    "reset_peak_rss",
    "rotated",
    "show",
]
