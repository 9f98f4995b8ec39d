"""Taking a file out of the page cache, so a run reads it from the disk."""

import os
from pathlib import Path


def evict(path: Path) -> None:
    """Write back and drop `path`'s cached pages (`POSIX_FADV_DONTNEED`).

    Only this file's clean pages go, so other processes on the machine are not
    disturbed (as `echo 1 > /proc/sys/vm/drop_caches` would). The kernel treats the
    advice as a request; pages mapped by another process stay.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
