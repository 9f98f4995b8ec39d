"""`S3Server`: an S3 API server on loopback for tests and benchmarks.

moto in server mode (in memory, one process) behind `s3_gate`, which checks
presigned URLs as S3 does. Start it once per session, make a bucket per test.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import boto3
import httpx
from botocore.config import Config

from services.devstack.ports import free_port
from services.devstack.servers import EmbeddedServerError

S3Client = Any
"""boto3's S3 client (untyped: the project does not install boto3's stubs)."""

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


@dataclass
class S3Server:
    """`python -m tests.support.s3_gate` on a free port; data in memory, log in `log_dir`."""

    log_dir: Path
    min_part_size: int = 5 * 1024 * 1024
    """moto's smallest accepted non-final part (S3's is 5 MiB); tests lower it."""
    port: int = 0
    access_key_id: str = "ECHOTESTACCESSKEY"
    secret_access_key: str = field(default_factory=lambda: secrets.token_urlsafe(30), repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Self:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        env = {
            **os.environ,
            "ECHO_S3_GATE_ACCESS_KEY_ID": self.access_key_id,
            "ECHO_S3_GATE_SECRET_ACCESS_KEY": self.secret_access_key,
            "S3_UPLOAD_PART_MIN_SIZE": str(self.min_part_size),
        }
        with (self.log_dir / "s3-server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.s3_gate", "--port", str(self.port)],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedServerError(
                    f"the S3 server exited with {self.process.returncode}; "
                    f"see {self.log_dir / 's3-server.log'}"
                )
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(self.endpoint_url, timeout=1)  # any answer (403) means it listens
                return self
            time.sleep(0.1)
        self.stop()
        raise EmbeddedServerError("the S3 server did not answer in time")

    def client(self) -> S3Client:
        """A boto3 client with the server's credentials, to inspect what a store did."""
        client: S3Client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            config=Config(s3={"addressing_style": "path"}),
        )
        return client

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
