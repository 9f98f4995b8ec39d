"""Upload throughput and gateway memory, against the raw limit of this machine.

    python -m bench.upload [--size-mib 1024]

Starts the platform (as `scripts/dev.sh` does, on free ports), streams a file of
`--size-mib` to `POST /api/videos`, and compares the throughput with copying the
same file on the same disk (the raw limit). Also reports the gateway's peak
resident memory before and after, which must stay flat whatever the file size.
"""

import argparse
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from services.common.auth import mint_token
from services.devstack.stack import DevStack

CHUNK = 1024 * 1024


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def _multipart(path: Path, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        source = work / "upload.bin"
        with source.open("wb") as file:
            block = bytes(range(256)) * (CHUNK // 256)
            for _ in range(args.size_mib):
                file.write(block)
        size = source.stat().st_size

        started = time.perf_counter()
        shutil.copyfile(source, work / "copy.bin")
        copy_seconds = time.perf_counter() - started
        (work / "copy.bin").unlink()

        stack = DevStack(work / "data", fixed_ports=False, log_dir=work / "logs").start()
        try:
            gateway_pid = stack.services["gateway"].process.pid
            rss_before = _peak_rss_mib(gateway_pid)
            token = mint_token(stack.jwt_secret, uuid.uuid4())
            boundary = uuid.uuid4().hex
            started = time.perf_counter()
            response = httpx.post(
                f"{stack.gateway_url}/api/videos",
                content=_multipart(source, boundary),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
                timeout=600,
            )
            upload_seconds = time.perf_counter() - started
            response.raise_for_status()
            rss_after = _peak_rss_mib(gateway_pid)
        finally:
            stack.stop()

    mib = size / CHUNK
    print("| measure | value |")
    print("|---|---|")
    print(f"| file | {mib:.0f} MiB |")
    print(f"| raw limit: copy on the same disk | {mib / copy_seconds:.0f} MiB/s |")
    print(f"| upload through the gateway | {mib / upload_seconds:.0f} MiB/s |")
    print(f"| ratio upload / raw limit | {copy_seconds / upload_seconds:.2f} |")
    print(f"| gateway peak RSS before / after | {rss_before:.0f} / {rss_after:.0f} MiB |")


if __name__ == "__main__":
    main()
