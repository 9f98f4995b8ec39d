"""Upload through the gateway against the least the same bytes need, cold cache, interleaved.

    python -m bench.upload [--size-mib 64 --size-mib 1024] [--repeat 5] [--save]

Echo: `POST /api/videos` streaming a multipart body from a file (the gateway parses it,
hashes SHA-256, writes and fsyncs the blob, records the rows and the outbox). The
workers are stopped so they do not compete for the disk. Measured: the client's wall
time; the gateway process's CPU time (from /proc) and its peak RSS during the upload
(`VmHWM`, reset before each run), which must stay flat whatever the size.

Baseline: in this process, read the same file, SHA-256 it, write it to the same
filesystem and fsync: the raw limit. Before every run of either side the source's pages
are dropped from the page cache (`bench.cache.evict`) and the previous output deleted.
"""

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console

from bench.baselines import COPY_CHUNK, raw_copy
from bench.cache import evict
from bench.harness import (
    BenchRun,
    Comparison,
    InProcessSide,
    Machine,
    Sample,
    common_arguments,
    compare,
    cpu_seconds,
    current_rss,
    finish,
    peak_rss,
    reset_peak_rss,
)
from bench.platform import Platform, Release, running_platform

console = Console()
MIB = 1024 * 1024
WORKERS = ("transcoder", "metadata")


def _multipart(path: Path, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    with path.open("rb") as file:
        while chunk := file.read(COPY_CHUNK):
            yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


@dataclass(frozen=True)
class GatewayUpload:
    """Echo's side: one upload through the running gateway."""

    platform: Platform
    source: Path
    blobs: Path
    label: str = "Echo gateway"

    @property
    def settings(self) -> str:
        return (
            f"POST {self.platform.gateway_url}/api/videos, multipart/form-data streamed from "
            f"{self.source} in {COPY_CHUNK // 1024} KiB chunks (httpx, HTTP/1.1, loopback); "
            "CPU and peak RSS of the gateway process"
        )

    def run(self) -> Sample:
        _clear_blobs(self.blobs)
        evict(self.source)
        gateway = self.platform.pids["gateway"]
        rss_at_start = current_rss(gateway)
        token = self.platform.token(uuid.uuid4())
        boundary = uuid.uuid4().hex
        peak_was_reset = reset_peak_rss(gateway)
        cpu_started, client_cpu_started = cpu_seconds(gateway), time.process_time()
        started = time.perf_counter()
        response = httpx.post(
            f"{self.platform.gateway_url}/api/videos",
            content=_multipart(self.source, boundary),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            timeout=600,
        )
        wall = time.perf_counter() - started
        response.raise_for_status()
        mib = self.source.stat().st_size / MIB
        return Sample(
            wall_seconds=wall,
            cpu_seconds=cpu_seconds(gateway) - cpu_started,
            peak_rss_bytes=peak_rss(gateway) if peak_was_reset else None,
            figures={
                "MiB/s": mib / wall,
                "client CPU s": time.process_time() - client_cpu_started,
                "gateway RSS at start MiB": (rss_at_start or 0) / MIB,
            },
        )


def _clear_blobs(blobs: Path) -> None:
    for path in sorted(blobs.glob("videos/**/*"), reverse=True):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()


def _write_source(path: Path, size_mib: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as file:
        for _ in range(size_mib):
            file.write(block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size-mib", type=int, action="append", help="file size; repeat for several (1024)"
    )
    common_arguments(parser, repeat=5)
    args = parser.parse_args()
    run = BenchRun("upload", Machine.describe())
    with tempfile.TemporaryDirectory(prefix="echo-bench-upload-") as temp:
        work = Path(temp)
        data = work / "platform"
        with running_platform(Release.this(), data, stop=WORKERS) as platform:
            for size_mib in args.size_mib or [1024]:
                run.comparisons.append(
                    _compare_size(platform, work, data / "blobs", size_mib, args)
                )
    run.notes.append(
        "Echo's CPU and peak RSS are the gateway process's; the raw copy's are this "
        "process's (the copy holds one 1 MiB chunk; its peak RSS is mostly the interpreter)."
    )
    finish(run, args, console)


def _compare_size(
    platform: Platform, work: Path, blobs: Path, size_mib: int, args: argparse.Namespace
) -> Comparison:
    source, copy = work / f"upload-{size_mib}.bin", work / "copy.bin"
    _write_source(source, size_mib)

    def before_copy() -> None:
        copy.unlink(missing_ok=True)
        evict(source)

    raw = InProcessSide(
        "raw copy",
        lambda: raw_copy(source, copy),
        f"bench.baselines.raw_copy({source}, {copy}): read {COPY_CHUNK // 1024} KiB "
        "chunks, SHA-256, write, fsync, in this process",
        setup=before_copy,
        figures=lambda wall: {"MiB/s": size_mib / wall},
    )
    echo = GatewayUpload(platform, source, blobs)
    try:
        return compare(
            f"upload {size_mib} MiB", "cold page cache", [echo, raw],
            repeat=args.repeat, warmup=args.warmup,
        )  # fmt: skip
    finally:
        source.unlink()
        copy.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
