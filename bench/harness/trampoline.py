"""Run a command and report what it cost, from a process small enough not to skew it.

    python -I -S trampoline.py FD COMMAND [ARG ...]

Writes `<wall seconds> <cpu seconds> <maxrss KiB> <exit code>` to file descriptor FD.

Why a trampoline: Linux counts, in a child's `ru_maxrss`, the memory of the process
that forked it as it was just before `exec`. Forked from a benchmark holding PyAV and
Rich, every child would seem to peak at that size. Forked from this bare interpreter
(`-I -S`, stdlib only), the floor is about 9 MiB. Wall time is taken here, around the
child's whole life, so the trampoline's own start is not in it.
"""

import os
import sys
import time


def main() -> None:
    report, argv = int(sys.argv[1]), sys.argv[2:]
    started = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    os.write(report, f"{wall} {cpu} {usage.ru_maxrss} {code}".encode())


if __name__ == "__main__":
    main()
