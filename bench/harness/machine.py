"""The machine a benchmark ran on, and how busy it was."""

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Load:
    """The kernel's 1, 5 and 15 minute load averages at one instant."""

    one: float
    five: float
    fifteen: float

    @classmethod
    def now(cls) -> "Load":
        one, five, fifteen = os.getloadavg()
        return cls(one, five, fifteen)

    def __str__(self) -> str:
        return f"{self.one:.2f} / {self.five:.2f} / {self.fifteen:.2f}"


@dataclass(frozen=True)
class Machine:
    """What the figures depend on besides the code."""

    date: str
    cpu_count: int
    usable_cpus: int
    memory_gib: float
    platform: str
    python: str
    pyav: str
    libavcodec: str
    ffmpeg_cli: str

    @classmethod
    def describe(cls) -> "Machine":
        import av  # late: only benchmarks that touch media need it loaded

        codec = av.library_versions.get("libavcodec", (0, 0, 0))
        return cls(
            date=datetime.now(UTC).isoformat(timespec="seconds"),
            cpu_count=os.cpu_count() or 0,
            usable_cpus=len(os.sched_getaffinity(0)),
            memory_gib=_memory_gib(),
            platform=platform.platform(),
            python=sys.version.split()[0],
            pyav=av.__version__,
            libavcodec=".".join(map(str, codec)),
            ffmpeg_cli=ffmpeg_cli_version(),
        )

    def summary(self) -> str:
        return (
            f"{self.date}, {self.usable_cpus} of {self.cpu_count} CPUs, "
            f"{self.memory_gib:.0f} GiB, Python {self.python}, PyAV {self.pyav} "
            f"(libavcodec {self.libavcodec}), ffmpeg CLI: {self.ffmpeg_cli}"
        )


def ffmpeg_cli_version() -> str:
    """The `ffmpeg` CLI's version, or a plain statement that it is not on the PATH."""
    binary = shutil.which("ffmpeg")
    if binary is None:
        return "not on the PATH"
    first = subprocess.run(
        [binary, "-version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return first[0].removeprefix("ffmpeg version ").split(" Copyright")[0] if first else "?"


def require_cli(*names: str) -> None:
    """Stop with a plain message when a baseline's CLI is not installed."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        raise SystemExit(
            f"{' and '.join(missing)} not on the PATH: this benchmark's baseline is the "
            "ffmpeg CLI (Echo itself never needs it). Install it: apt-get install -y ffmpeg"
        )


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0
