"""Measuring a command as a child process: wall time, CPU time, peak memory.

The one place the ladder benchmark measures anything, kept small so it can move
onto a shared harness: `run_measured` runs one command, `interleaved` runs
several sides in a rotating order so a slower or busier moment of the machine
does not always fall on the same side.
"""

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One child process, measured by the kernel (`wait4` rusage)."""

    wall_seconds: float
    cpu_seconds: float
    """User + system time of the child (and its threads)."""
    peak_rss_mib: float


def run_measured(argv: Sequence[str], *, env: Mapping[str, str] | None = None) -> Run:
    """Run `argv` to completion; raise if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=None if env is None else dict(env))
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited with {process.returncode}: {' '.join(argv)}")
    return Run(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
    )


def interleaved(sides: Mapping[str, Sequence[str]], repeat: int) -> dict[str, list[Run]]:
    """Run every side `repeat` times, rotating which goes first on each round."""
    names = list(sides)
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for round_index in range(repeat):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(run_measured(sides[name]))
    return runs


@dataclass(frozen=True)
class Summary:
    """Medians of a side's runs."""

    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float


def summarize(runs: Sequence[Run]) -> Summary:
    return Summary(
        wall_seconds=statistics.median(run.wall_seconds for run in runs),
        cpu_seconds=statistics.median(run.cpu_seconds for run in runs),
        peak_rss_mib=max(run.peak_rss_mib for run in runs),
    )
