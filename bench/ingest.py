"""Ingest through the gateway, multipart and resumable (tus), against a raw copy of the same
bytes on the same disk, cold cache, interleaved.

    python -m bench.ingest [--size-mib 100 --size-mib 2048] [--repeat 3] [--save]

Echo, two sides: `POST /api/videos` (multipart/form-data streamed from the file) and a
tus upload (`POST /api/uploads` then one `PATCH` streaming the whole file, as tus-js-client
does with its default chunk size). Both hash SHA-256, write and fsync the blob, and record
the rows and the outbox; tus also probes the first MiBs and the finished file with the
hardened opener. Only the gateway runs (with its NATS and Postgres), so no worker
competes for the disk, and the bench does not depend on them. Measured:
the client's wall time; the gateway process's CPU time and peak RSS (`VmHWM`, reset
before each run), which must stay flat whatever the size.

The file is a real MPEG-TS stream (a short clip repeated), so the tus side's media
checks pass as they would for a camera's file. Baseline: in this process, read the same
file, SHA-256 it, write it to the same filesystem and fsync. Before every run the
source's pages are dropped from the page cache and the previous output deleted.
"""

import argparse
import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import httpx
import numpy as np
from rich.console import Console

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
    finish,
    peak_rss,
    reset_peak_rss,
)
from services.common.auth import mint_token
from services.devstack.ports import free_port
from services.devstack.servers import EmbeddedPostgres, NatsServer

console = Console()
MIB = 1024 * 1024
COPY_CHUNK = MIB
_TIMEOUT = 3600
_READY_SECONDS = 60
_SECRET = "bench-ingest-secret-" + "s" * 32


@dataclass(frozen=True)
class Platform:
    """A running gateway process, as the bench reaches it."""

    gateway_url: str
    pid: int
    blobs: Path

    def token(self, user_id: uuid.UUID) -> str:
        return mint_token(_SECRET, user_id)


@contextlib.contextmanager
def gateway_only(data: Path) -> Iterator[Platform]:
    """NATS, Postgres, the migrate step and `python -m services.gateway`, nothing else."""
    nats = NatsServer(data / "nats").start()
    postgres = EmbeddedPostgres(data / "postgres").start()
    port = free_port()
    env = {
        **os.environ,
        "ECHO_ENVIRONMENT": "development",
        "ECHO_NATS_URL": nats.url,
        "ECHO_DATABASE_URL": postgres.dsn,
        "ECHO_BLOB_URL": (data / "blobs").resolve().as_uri(),
        "ECHO_JWT_SECRET": _SECRET,
        "ECHO_GATEWAY_PORT": str(port),
        "ECHO_LOG_LEVEL": "WARNING",
    }
    env.pop("ECHO_BLOB_ROOT", None)
    gateway: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([sys.executable, "-m", "services.migrate"], env=env, check=True)
        gateway = subprocess.Popen([sys.executable, "-m", "services.gateway"], env=env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + _READY_SECONDS
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline or gateway.poll() is not None:
                raise RuntimeError("the gateway did not become ready")
            time.sleep(0.2)
        yield Platform(url, gateway.pid, data / "blobs")
    finally:
        if gateway is not None:
            gateway.terminate()
            gateway.wait(timeout=30)
        postgres.stop()
        nats.stop()


def raw_copy(source: Path, target: Path) -> str:
    """Copy with SHA-256 and fsync: the least an upload must do with the same bytes.

    The same as `bench.baselines.raw_copy`, kept here so this bench does not import the
    transcoder (which `bench.baselines` needs for its other baselines).
    """
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(COPY_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(COPY_CHUNK):
            yield chunk


def _multipart(path: Path, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: video/mp2t\r\n\r\n'
    ).encode()
    yield from _file_chunks(path)
    yield f"\r\n--{boundary}--\r\n".encode()


def _multipart_upload(platform: Platform, source: Path, token: str) -> None:
    boundary = uuid.uuid4().hex
    response = httpx.post(
        f"{platform.gateway_url}/api/videos",
        content=_multipart(source, boundary),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        timeout=_TIMEOUT,
    )
    response.raise_for_status()


def _tus_upload(platform: Platform, source: Path, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    with httpx.Client(timeout=_TIMEOUT) as client:
        created = client.post(
            f"{platform.gateway_url}/api/uploads",
            headers={**auth, "Upload-Length": str(source.stat().st_size)},
        )
        created.raise_for_status()
        patched = client.patch(
            created.headers["Location"],
            content=_file_chunks(source),
            headers={
                **auth,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(source.stat().st_size),
            },
        )
        patched.raise_for_status()
        assert "Echo-Video-Location" in patched.headers, "the upload did not finish"


@dataclass(frozen=True)
class GatewayIngest:
    """One Echo side: an upload through the running gateway by one protocol."""

    platform: Platform
    source: Path
    protocol: str

    @property
    def label(self) -> str:
        return f"Echo {self.protocol}"

    @property
    def settings(self) -> str:
        how = (
            "POST /api/videos, multipart/form-data"
            if self.protocol == "multipart"
            else "tus: POST /api/uploads, one PATCH"
        )
        return (
            f"{how} streamed from {self.source} in {COPY_CHUNK // 1024} KiB chunks "
            "(httpx, HTTP/1.1, loopback); CPU and peak RSS of the gateway process"
        )

    def run(self) -> Sample:
        _clear_blobs(self.platform.blobs)
        evict(self.source)
        gateway = self.platform.pid
        token = self.platform.token(uuid.uuid4())
        peak_was_reset = reset_peak_rss(gateway)
        cpu_started = cpu_seconds(gateway)
        started = time.perf_counter()
        upload = _multipart_upload if self.protocol == "multipart" else _tus_upload
        upload(self.platform, self.source, token)
        wall = time.perf_counter() - started
        return Sample(
            wall_seconds=wall,
            cpu_seconds=cpu_seconds(gateway) - cpu_started,
            peak_rss_bytes=peak_rss(gateway) if peak_was_reset else None,
            figures={"MiB/s": self.source.stat().st_size / MIB / wall},
        )


def _clear_blobs(blobs: Path) -> None:
    for path in sorted([*blobs.glob("videos/**/*"), *blobs.glob("uploads/**/*")], reverse=True):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()


def _clip(path: Path) -> bytes:
    """A 2 s MPEG-TS clip of noise (about 1.5 MiB, so the file is mostly real video)."""
    rng = np.random.default_rng(8)
    with av.open(str(path), mode="w", format="mpegts") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "10"}
        for index in range(50):
            pixels = rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 25)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path.read_bytes()


def _write_source(path: Path, size_mib: int, clip: bytes) -> None:
    target = size_mib * MIB
    with path.open("wb") as file:
        written = 0
        while written < target:
            part = clip[: target - written]
            file.write(part)
            written += len(part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size-mib", type=int, action="append", help="file size; repeat for several (100)"
    )
    common_arguments(parser, repeat=3)
    args = parser.parse_args()
    run = BenchRun("ingest", Machine.describe())
    with tempfile.TemporaryDirectory(prefix="echo-bench-ingest-") as temp:
        work = Path(temp)
        clip = _clip(work / "clip.ts")
        with gateway_only(work / "platform") as platform:
            for size_mib in args.size_mib or [100]:
                run.comparisons.extend(_compare_size(platform, work, size_mib, clip, args))
    run.notes.append(
        "Echo's CPU and peak RSS are the gateway process's; the raw copy's are this "
        "process's (it holds one 1 MiB chunk; its peak RSS is mostly the interpreter)."
    )
    finish(run, args, console)


def _compare_size(
    platform: Platform,
    work: Path,
    size_mib: int,
    clip: bytes,
    args: argparse.Namespace,
) -> list[Comparison]:
    """Each protocol interleaved with its own raw copies (the harness compares side 1 with
    side 2)."""
    source, copy = work / f"ingest-{size_mib}.ts", work / "copy.bin"
    _write_source(source, size_mib, clip)

    def before_copy() -> None:
        copy.unlink(missing_ok=True)
        evict(source)

    raw = InProcessSide(
        "raw copy",
        lambda: raw_copy(source, copy),
        f"raw_copy({source}, {copy}): read {COPY_CHUNK // 1024} KiB "
        "chunks, SHA-256, write, fsync, in this process",
        setup=before_copy,
        figures=lambda wall: {"MiB/s": size_mib / wall},
    )
    try:
        return [
            compare(
                f"ingest {size_mib} MiB, {protocol}",
                "cold page cache",
                [GatewayIngest(platform, source, protocol), raw],
                repeat=args.repeat,
                warmup=args.warmup,
            )
            for protocol in ("multipart", "tus")
        ]
    finally:
        source.unlink()
        copy.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
