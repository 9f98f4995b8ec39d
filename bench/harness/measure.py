"""One run of one side of a comparison: wall time, CPU time and peak memory.

A side is anything with a `label`, the exact `settings` it runs with, and a `run`
that returns a `Sample`. Two kinds cover most benchmarks:

- `ProcessSide` runs a command as a child process and takes its CPU time and peak
  RSS from the kernel's own accounting of that child (`os.wait4`), including any
  processes the child itself waited for. The child is started by a bare interpreter
  (`trampoline.py`) so the benchmark's own memory is not counted as the child's:
  peak RSS below about 9 MiB reads as that floor.
- `InProcessSide` calls a function in this interpreter. CPU time is this process's
  (`time.process_time`, every thread). Peak memory is this process's high-water
  RSS (`VmHWM`), reset just before the call through `/proc/self/clear_refs`, so
  it is the peak *during* the call, interpreter and loaded libraries included.
"""

import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

MIB = 1024 * 1024
RSS_GROWTH = "peak RSS growth MiB"
"""In-process sides: how far the peak rose above the RSS at the call's start."""
TRAMPOLINE = Path(__file__).with_name("trampoline.py")


class BenchError(RuntimeError):
    """A side failed; its measurements would mean nothing."""


@dataclass(frozen=True)
class Sample:
    """What one run cost."""

    wall_seconds: float
    cpu_seconds: float
    """User + system time of the measured process(es)."""
    peak_rss_bytes: int | None
    """High-water resident memory of the measured process; None when it cannot be read."""
    figures: Mapping[str, float] = field(default_factory=dict)
    """Further per-run figures a benchmark reports (e.g. `MiB/s`)."""


class Side(Protocol):
    """One side of a comparison (Echo, or the baseline it is compared with)."""

    @property
    def label(self) -> str: ...

    @property
    def settings(self) -> str:
        """Exactly what runs: a command line, or the function and its arguments."""
        ...

    def run(self) -> Sample: ...


def _no_setup() -> None:
    pass


@dataclass(frozen=True)
class ProcessSide:
    """A command run as a child process; `setup` runs untimed before each run."""

    label: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    setup: Callable[[], None] = _no_setup

    @property
    def settings(self) -> str:
        return shlex.join(self.argv)

    def run(self) -> Sample:
        self.setup()
        read_end, write_end = os.pipe()
        with tempfile.TemporaryFile() as stderr, os.fdopen(read_end, "rb") as report:
            try:
                subprocess.run(
                    [sys.executable, "-I", "-S", str(TRAMPOLINE), str(write_end), *self.argv],
                    env=None if self.env is None else dict(self.env),
                    cwd=self.cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    pass_fds=(write_end,),
                    check=True,
                )
            finally:
                os.close(write_end)
            wall, cpu, maxrss_kib, code = report.read().split()
            if int(code) != 0:
                stderr.seek(0)
                tail = stderr.read()[-2000:].decode(errors="replace")
                raise BenchError(f"{self.label} exited with {int(code)}: {tail}")
        return Sample(
            wall_seconds=float(wall),
            cpu_seconds=float(cpu),
            peak_rss_bytes=int(maxrss_kib) * 1024,
        )


@dataclass(frozen=True)
class InProcessSide:
    """A function called in this process; `setup` runs untimed before each call."""

    label: str
    function: Callable[[], object]
    description: str
    setup: Callable[[], None] = _no_setup
    figures: Callable[[float], Mapping[str, float]] = lambda wall: {}
    """Further figures of a run from its wall time (e.g. throughput)."""

    @property
    def settings(self) -> str:
        return self.description

    def run(self) -> Sample:
        self.setup()
        peak_was_reset = reset_peak_rss(os.getpid())
        rss_before = current_rss(os.getpid())
        cpu_started = time.process_time()
        started = time.perf_counter()
        self.function()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        # Without a reset, VmHWM is the peak of the process's whole life: not this call's.
        peak = peak_rss(os.getpid()) if peak_was_reset else None
        figures = dict(self.figures(wall))
        if peak is not None and rss_before is not None:
            figures[RSS_GROWTH] = (peak - rss_before) / MIB
        return Sample(wall, cpu, peak, figures)


def reset_peak_rss(pid: int) -> bool:
    """Reset a process's high-water RSS to its current RSS (Linux >= 4.0); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss(pid: int) -> int | None:
    """A process's high-water RSS in bytes (`VmHWM`), or None where /proc has none."""
    return _status_bytes(pid, "VmHWM:")


def _status_bytes(pid: int, key: str) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024  # /proc reports kB
    return None


def current_rss(pid: int) -> int | None:
    """A process's resident memory now (`VmRSS`), in bytes."""
    return _status_bytes(pid, "VmRSS:")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far (from /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")
