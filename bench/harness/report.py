"""Showing results: Rich tables for people, Markdown rows for the README, JSON files."""

import dataclasses
import json
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.harness.compare import Comparison, SideResult, Spread
from bench.harness.machine import Load, Machine

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"
MIB = 1024 * 1024


@dataclass
class BenchRun:
    """Everything one benchmark command measured, and where."""

    name: str
    machine: Machine
    command: str = field(default_factory=lambda: shlex.join([sys.executable, *sys.argv]))
    load_before: Load = field(default_factory=Load.now)
    load_after: Load | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    """Figures of benchmarks that are not timed comparisons (JSON-ready)."""
    notes: list[str] = field(default_factory=list)

    def finish(self) -> None:
        self.load_after = Load.now()

    def save(self, directory: Path = RESULTS_DIR) -> Path:
        """Write the run as JSON under `directory` (bench/results/ is git-ignored)."""
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = directory / f"{self.name}-{stamp}.json"
        path.write_text(json.dumps(_jsonable(self), indent=2) + "\n")
        return path


def _jsonable(run: BenchRun) -> dict[str, Any]:
    data = dataclasses.asdict(run)
    for comparison, raw in zip(run.comparisons, data["comparisons"], strict=True):
        raw["summary"] = {
            side.label: {
                "wall_seconds": dataclasses.asdict(side.wall),
                "cpu_seconds": dataclasses.asdict(side.cpu),
                "peak_rss_bytes": _maybe(side.peak_rss),
            }
            for side in comparison.sides
        }
        raw["ratios_echo_over_baseline"] = {
            "wall": comparison.ratio(lambda s: s.wall),
            "cpu": comparison.ratio(lambda s: s.cpu),
            "peak_rss": comparison.ratio(lambda s: s.peak_rss),
        }
    return data


def _maybe(spread: Spread | None) -> dict[str, float] | None:
    return None if spread is None else dataclasses.asdict(spread)


def seconds(spread: Spread | None) -> str:
    if spread is None:
        return "-"
    return f"{spread.median:.3f} ({spread.low:.3f}-{spread.high:.3f})"


def mebibytes(spread: Spread | None) -> str:
    if spread is None:
        return "-"
    return f"{spread.median / MIB:.0f} ({spread.low / MIB:.0f}-{spread.high / MIB:.0f})"


def plain(spread: Spread | None) -> str:
    if spread is None:
        return "-"
    return f"{spread.median:.1f} ({spread.low:.1f}-{spread.high:.1f})"


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figure_names(comparison: Comparison) -> list[str]:
    names: dict[str, None] = {}
    for side in comparison.sides:
        for sample in side.samples:
            names.update(dict.fromkeys(sample.figures))
    return list(names)


def show(console: Console, run: BenchRun) -> None:
    """Print a table per comparison, then the exact settings of every side, then the load."""
    console.print(f"[bold]{run.name}[/]  {run.machine.summary()}")
    for comparison in run.comparisons:
        figures = _figure_names(comparison)
        table = Table(
            title=f"{comparison.task}: {comparison.subject}",
            caption=f"median (min-max) of {len(comparison.echo.samples)} interleaved runs; "
            f"load {comparison.load_before} -> {comparison.load_after}",
        )
        for column in ("side", "wall s", "CPU s", "peak RSS MiB", *figures):
            table.add_column(column, justify="left" if column == "side" else "right")
        for side in comparison.sides:
            table.add_row(
                side.label,
                seconds(side.wall),
                seconds(side.cpu),
                mebibytes(side.peak_rss),
                *(plain(side.figure(name)) for name in figures),
            )
        table.add_row(
            f"ratio {comparison.echo.label} / {comparison.baseline.label}",
            ratio(comparison.ratio(lambda s: s.wall)),
            ratio(comparison.ratio(lambda s: s.cpu)),
            ratio(comparison.ratio(lambda s: s.peak_rss)),
            *(ratio(comparison.ratio(_figure(name))) for name in figures),
            style="bold",
        )
        console.print(table)
        for side in comparison.sides:
            console.print(f"  [bold]{side.label}[/]: {side.settings}", soft_wrap=True)
    for note in run.notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"load average (1/5/15 min): {run.load_before} before, {run.load_after} after")


def _figure(name: str) -> Callable[[SideResult], Spread | None]:
    return lambda side: side.figure(name)


def markdown(run: BenchRun) -> str:
    """README rows: one per comparison, Echo and baseline side by side."""
    lines = [
        "| task | subject | Echo wall s | baseline wall s | wall ratio | Echo CPU s "
        "| baseline CPU s | CPU ratio | Echo peak RSS MiB | baseline peak RSS MiB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in run.comparisons:
        lines.append(
            f"| {c.task} | {_cell(c.subject)} | {seconds(c.echo.wall)} | {seconds(c.baseline.wall)}"
            f" | {ratio(c.ratio(lambda s: s.wall))} | {seconds(c.echo.cpu)}"
            f" | {seconds(c.baseline.cpu)} | {ratio(c.ratio(lambda s: s.cpu))}"
            f" | {mebibytes(c.echo.peak_rss)} | {mebibytes(c.baseline.peak_rss)}"
            f" | {c.load_before.one:.1f}-{c.load_after.one:.1f} |"
        )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return re.sub(r"\|", r"\\|", text)
