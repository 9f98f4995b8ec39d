"""Start and stop the whole platform on one machine: the embedded default.

Used by `scripts/dev.sh` (through `python -m services.devstack`) and by the
end-to-end tests, so both run the platform exactly the same way: NATS and
Postgres from wheels, blobs in a local folder, and the four services as four
separate processes configured only through environment variables.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from services.migrate.database import apply_migrations
from services.devstack.identity import read_or_create_secret
from services.devstack.servers import EmbeddedPostgres, NatsServer, free_port, port_is_free

logger = logging.getLogger(__name__)

SERVICES = ("gateway", "transcoder", "metadata", "notifier")
DEFAULT_PORTS = {"gateway": 8000, "transcoder": 8001, "metadata": 8002, "notifier": 8003}
DEFAULT_NATS_PORT = 4222


class StackError(RuntimeError):
    """The platform could not be started."""


@dataclass
class ServiceProcess:
    """One running service."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    _pump: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class DevStack:
    """The platform on one machine. `fixed_ports=False` picks free ports (tests)."""

    data_dir: Path
    fixed_ports: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    """Write each service's output to `<log_dir>/<name>.log` instead of this terminal."""

    nats: NatsServer | None = field(default=None, init=False)
    postgres: EmbeddedPostgres | None = field(default=None, init=False)
    services: dict[str, ServiceProcess] = field(default_factory=dict, init=False)
    ports: dict[str, int] = field(default_factory=dict, init=False)

    @property
    def blob_root(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def jwt_secret(self) -> str:
        return read_or_create_secret(self.data_dir)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def notifier_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['notifier']}"

    def start(self, timeout: float = 60.0) -> "DevStack":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.blob_root.mkdir(parents=True, exist_ok=True)
        self.ports = {name: self._choose_port(port) for name, port in DEFAULT_PORTS.items()}
        nats_port = self._choose_port(DEFAULT_NATS_PORT)
        try:
            self.nats = NatsServer(self.data_dir / "nats", port=nats_port).start()
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres").start()
            apply_migrations(self.postgres.dsn)
            for name in SERVICES:
                self.start_service(name)
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _choose_port(self, preferred: int) -> int:
        if not self.fixed_ports:
            return free_port()
        if not port_is_free(preferred):
            raise StackError(
                f"port {preferred} is in use: stop what uses it, or is Echo already running?"
            )
        return preferred

    def service_env(self) -> dict[str, str]:
        """The environment every service process gets: all configuration lives here."""
        assert self.nats is not None
        assert self.postgres is not None
        env = {
            **os.environ,
            "ECHO_ENVIRONMENT": "development",
            "ECHO_NATS_URL": self.nats.url,
            "ECHO_DATABASE_URL": self.postgres.dsn,
            "ECHO_BLOB_URL": self.blob_root.resolve().as_uri(),
            "ECHO_JWT_SECRET": self.jwt_secret,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("ECHO_BLOB_ROOT", None)  # the deprecated alias would contradict the URL
        for name, port in self.ports.items():
            env[f"ECHO_{name.upper()}_PORT"] = str(port)
        env.update(self.extra_env)
        return env

    def start_service(self, name: str) -> ServiceProcess:
        """Start (or restart) one service process."""
        output: int | IO[bytes]
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        else:
            output = subprocess.PIPE
        try:
            # A new session: Ctrl-C reaches only the launcher, which stops services in order.
            process = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env=self.service_env(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if not isinstance(output, int):
                output.close()
        service = ServiceProcess(name=name, port=self.ports[name], process=process)
        if process.stdout is not None:
            service._pump = threading.Thread(
                target=_prefix_lines, args=(name, process.stdout), daemon=True
            )
            service._pump.start()
        self.services[name] = service
        return service

    def wait_ready(self, timeout: float = 60.0, names: tuple[str, ...] = SERVICES) -> None:
        """Wait until each service answers its readiness endpoint."""
        deadline = time.monotonic() + timeout
        for name in names:
            service = self.services[name]
            while True:
                if service.process.poll() is not None:
                    raise StackError(f"{name} exited with code {service.process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{service.url}/readyz", timeout=2).is_success:
                        break
                if time.monotonic() > deadline:
                    raise StackError(f"{name} did not become ready within {timeout:.0f} s")
                time.sleep(0.2)

    def kill_service(self, name: str) -> None:
        """SIGKILL one service, as a crash would."""
        service = self.services[name]
        service.process.send_signal(signal.SIGKILL)
        service.process.wait()

    def stop_service(self, name: str, timeout: float = 20.0) -> None:
        service = self.services.pop(name, None)
        if service is None or service.process.poll() is not None:
            return
        service.process.send_signal(signal.SIGTERM)
        try:
            service.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait()

    def stop(self) -> None:
        """Stop services (gateway last, so it records what workers report), then servers."""
        for name in ("notifier", "transcoder", "metadata", "gateway"):
            self.stop_service(name)
        if self.nats is not None:
            self.nats.stop()
            self.nats = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None


def _prefix_lines(name: str, stream: IO[bytes]) -> None:
    for raw in iter(stream.readline, b""):
        sys.stdout.write(f"[{name:<10}] {raw.decode(errors='replace')}")
        sys.stdout.flush()
