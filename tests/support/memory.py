"""Peak resident memory of this process over a block, native allocations included.

tracemalloc sees only Python's allocator; obstore buffers parts in Rust, so the
check reads the kernel's high-water mark (`VmHWM`) after resetting it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class PeakGrowth:
    """Filled in when the block exits: how far the peak RSS rose above the start."""

    bytes: int = 0


def _status_kib(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in {_STATUS}")


@contextmanager
def peak_rss_growth() -> Iterator[PeakGrowth]:
    """Measure how much the peak RSS grows during the block (Linux)."""
    _CLEAR_REFS.write_text("5")  # reset VmHWM to the current RSS
    start = _status_kib("VmRSS")
    growth = PeakGrowth()
    yield growth
    growth.bytes = max(0, _status_kib("VmHWM") - start) * 1024
