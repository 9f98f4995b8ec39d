"""Blob ingest through the store against the raw transfer, same bytes, same run.

    python -m bench.blobs [--size-mib 256] [--repeat 3] [--part-mib 8] [--concurrency 2]

For each backend, uploads one file of `--size-mib` the way the gateway feeds an
upload (1 MiB chunks into `BlobStore.upload`) and the raw way, interleaved
`--repeat` times:

- s3: an S3 API server on loopback (moto, `tests/support/s3.py`); the raw ways are
  one signed `PUT` of the whole file streamed by httpx (no parts, no hashing), and
  boto3's own multipart upload with the same part size and concurrency (what the
  server's multipart handling costs, without Echo's code).
- file: a directory on this disk; the raw way is `shutil.copyfile` then `fsync`
  (the store syncs before it renames into place).

Prints medians of wall time, this process's CPU time, the server's CPU time (s3)
and the growth of this process's peak RSS, then ratio store / raw (throughput,
higher is better; the issue's target is >= 0.8).
"""

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from boto3.s3.transfer import TransferConfig
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from services.common.blobs import BlobStore, FileBlobStore, S3BlobStore, S3Options
from tests.support.memory import peak_rss_growth
from tests.support.s3 import REGION, S3Server

MIB = 1024 * 1024
CHUNK = MIB


# Measuring: the one place (wall, CPU here and in the server, peak RSS growth here).


@dataclass
class Sample:
    wall: float
    cpu: float
    server_cpu: float
    peak_growth_mib: float


@dataclass
class Samples:
    runs: list[Sample] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(float(getattr(run, name)) for run in self.runs)


def _process_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def measure(into: Samples, server_pid: int | None) -> Iterator[None]:
    server_before = _process_cpu(server_pid)
    cpu, wall = time.process_time(), time.perf_counter()
    with peak_rss_growth() as growth:
        yield
    into.runs.append(
        Sample(
            wall=time.perf_counter() - wall,
            cpu=time.process_time() - cpu,
            server_cpu=_process_cpu(server_pid) - server_before,
            peak_growth_mib=growth.bytes / MIB,
        )
    )


# What is measured.


async def store_upload(store: BlobStore, key: str, source: Path) -> None:
    with source.open("rb") as file:
        async with store.upload(key, "video/mp4") as upload:
            while chunk := file.read(CHUNK):
                await upload.write(chunk)


def raw_put(server: S3Server, bucket: str, key: str, source: Path) -> None:
    url = f"{server.endpoint_url}/{bucket}/{key}"
    request = AWSRequest(
        "PUT",
        url,
        headers={
            "Content-Length": str(source.stat().st_size),
            "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD",
        },
    )
    credentials = Credentials(server.access_key_id, server.secret_access_key)
    S3SigV4Auth(credentials, "s3", REGION).add_auth(request)

    def body() -> Iterator[bytes]:
        with source.open("rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk

    response = httpx.put(url, content=body(), headers=dict(request.headers), timeout=600)
    response.raise_for_status()


def raw_multipart(server: S3Server, bucket: str, key: str, source: Path, part: int) -> None:
    config = TransferConfig(multipart_threshold=part, multipart_chunksize=part, max_concurrency=2)
    server.client().upload_file(str(source), bucket, key, Config=config)


Raw = tuple[str, Callable[[str], Awaitable[None]]]


async def compare(
    name: str,
    store: BlobStore,
    raws: list[Raw],
    cleanup: Callable[[], Awaitable[None]],
    source: Path,
    repeat: int,
    server_pid: int | None,
) -> tuple[str, dict[str, Samples]]:
    samples = {label: Samples() for label in ["BlobStore.upload", *(label for label, _ in raws)]}
    for round_ in range(repeat):
        with measure(samples["BlobStore.upload"], server_pid):
            await store_upload(store, f"bench/{round_}/store", source)
        await cleanup()
        for label, raw in raws:
            with measure(samples[label], server_pid):
                await raw(f"bench/{round_}/raw")
            await cleanup()
    return name, samples


async def run(args: argparse.Namespace, work: Path) -> list[tuple[str, dict[str, Samples]]]:
    source = work / "upload.bin"
    with source.open("wb") as file:
        for _ in range(args.size_mib):
            file.write(os.urandom(CHUNK))
    results = []

    disk = FileBlobStore(work / "blobs")
    (work / "blobs").mkdir()

    def copy_and_sync() -> None:
        shutil.copyfile(source, work / "copy.bin")
        with (work / "copy.bin").open("rb+") as file:
            os.fsync(file.fileno())

    async def copy(key: str) -> None:
        await asyncio.to_thread(copy_and_sync)

    async def disk_cleanup() -> None:
        await disk.delete_prefix("bench")
        (work / "copy.bin").unlink(missing_ok=True)

    raws: list[Raw] = [("raw copyfile + fsync", copy)]
    results.append(await compare("file", disk, raws, disk_cleanup, source, args.repeat, None))

    server = S3Server(work / "s3").start()
    try:
        bucket = server.create_bucket("echo-bench")
        s3 = S3BlobStore(
            S3Options(
                bucket=bucket,
                endpoint_url=server.endpoint_url,
                region=REGION,
                access_key_id=server.access_key_id,
                secret_access_key=server.secret_access_key,
                addressing_style="path",
                part_size=args.part_mib * MIB,
                upload_concurrency=args.concurrency,
                presign_expiry=timedelta(minutes=5),
            )
        )

        async def put(key: str) -> None:
            await asyncio.to_thread(raw_put, server, bucket, key, source)

        async def multipart(key: str) -> None:
            part = args.part_mib * MIB
            await asyncio.to_thread(raw_multipart, server, bucket, key, source, part)

        async def s3_cleanup() -> None:
            raw_keys = [f"bench/{i}/raw" for i in range(args.repeat)]
            await s3.delete_keys(raw_keys)
            await s3.delete_prefix("bench")

        assert server.process is not None
        raws = [("raw single PUT", put), ("raw multipart (boto3, same parts)", multipart)]
        results.append(
            await compare("s3", s3, raws, s3_cleanup, source, args.repeat, server.process.pid)
        )
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part-mib", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="echo-bench-blobs-") as temp:
        results = asyncio.run(run(args, Path(temp)))
    print(
        f"{args.size_mib} MiB, {args.repeat} interleaved runs, parts of {args.part_mib} MiB, "
        f"{args.concurrency} in flight; medians\n"
    )
    print(
        "| backend | path | wall (s) | MiB/s | CPU here (s) | CPU server (s) | "
        "peak RSS growth (MiB) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, samples in results:
        for label, runs in samples.items():
            wall = runs.median("wall")
            print(
                f"| {name} | {label} | {wall:.2f} | {args.size_mib / wall:.0f} | "
                f"{runs.median('cpu'):.2f} | {runs.median('server_cpu'):.2f} | "
                f"{runs.median('peak_growth_mib'):.1f} |"
            )
        store_wall = samples["BlobStore.upload"].median("wall")
        for label, runs in samples.items():
            if label != "BlobStore.upload":
                ratio = runs.median("wall") / store_wall
                print(f"| {name} | throughput ratio store / {label} | {ratio:.2f} | | | | |")


if __name__ == "__main__":
    main()
