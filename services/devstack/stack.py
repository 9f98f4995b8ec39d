"""Start and stop the whole platform on one machine: the embedded default.

Used by `scripts/dev.sh` (through `python -m services.devstack`), by the end-to-end
tests and by the benchmarks, so all run the platform the same way: NATS and Postgres
from wheels, the migrate step exactly as a deployment's init job runs it
(`python -m services.migrate`), blobs in a local folder, and the four services as
separate processes configured only through environment variables.

Every child runs in a session of its own, so a terminal's Ctrl-C reaches only the
launcher, which stops them in order: all services at once (each drains), then NATS,
then Postgres.
"""

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from services.devstack.identity import read_or_create_secret
from services.devstack.ports import SERVICES, PortInUseError, PortPlan
from services.devstack.servers import EmbeddedPostgres, NatsServer

logger = logging.getLogger(__name__)

DEV_FRONTEND_ORIGINS = (
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:3000",
    "http://127.0.0.1:3000",
)
"""Origins the dev launcher lets call the gateway from a browser (CORS)."""
STOP_SECONDS = 45.0
"""How long stopping services may take before they are killed: longer than a worker's
default grace (30 s) to finish or hand back a running job."""

MIGRATE_SECONDS = 120.0
LOCK_FILE = "launcher.lock"


class StackError(RuntimeError):
    """The platform could not be started; the message says why and what to do."""


@dataclass
class ServiceProcess:
    """One running service."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    pump: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class DevStack:
    """The platform on one machine, on the ports of `ports` and the data in `data_dir`."""

    data_dir: Path
    ports: PortPlan = field(default_factory=PortPlan.default)
    extra_env: dict[str, str] = field(default_factory=dict)
    """Added to every child's environment (tuning such as shorter ack waits in tests)."""
    log_dir: Path | None = None
    """Write each child's output to `<log_dir>/<name>.log` instead of this terminal."""
    stop_seconds: float = STOP_SECONDS

    nats: NatsServer | None = field(default=None, init=False)
    postgres: EmbeddedPostgres | None = field(default=None, init=False)
    services: dict[str, ServiceProcess] = field(default_factory=dict, init=False)
    _lock: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def blob_root(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def jwt_secret(self) -> str:
        return read_or_create_secret(self.data_dir)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.services['gateway']}"

    @property
    def notifier_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.services['notifier']}"

    def start(self, timeout: float = 60.0, cancel: threading.Event | None = None) -> "DevStack":
        """Servers, the migrate step, then the services, until each answers `/readyz`.

        Refused (`StackError`) before anything is written when a port is taken or another
        launcher holds the data folder. Any later failure, or `cancel` being set, stops
        what was started, and removes the data folder if this start created it.
        """
        try:
            self.ports.check_free()
        except PortInUseError as error:
            raise StackError(str(error)) from error
        created = not self.data_dir.exists()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._lock_data_dir()
            steps = (self._start_nats, self._start_postgres, self.migrate, self._start_services)
            for step in steps:
                _raise_if_cancelled(cancel)
                step()
            self.wait_ready(timeout, cancel=cancel)
        except BaseException:
            self.stop()
            if created:
                shutil.rmtree(self.data_dir, ignore_errors=True)
            raise
        return self

    def _lock_data_dir(self) -> None:
        lock = (self.data_dir / LOCK_FILE).open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            lock.close()
            raise StackError(
                f"{self.data_dir.resolve()} is used by another running launcher; "
                "give this one its own --data-dir"
            ) from error
        self._lock = lock

    def _start_nats(self) -> None:
        self.nats = NatsServer(
            self.data_dir / "nats", port=self.ports.nats, monitor_port=self.ports.nats_monitor
        ).start()

    def _start_postgres(self) -> None:
        self.blob_root.mkdir(parents=True, exist_ok=True)
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres").start()

    def _start_services(self) -> None:
        for name in SERVICES:
            self.start_service(name)

    def service_env(self) -> dict[str, str]:
        """The environment every child gets (services and migrate): all configuration."""
        if self.nats is None or self.postgres is None:
            raise StackError("the servers are not started")
        env = {
            **os.environ,
            "ECHO_ENVIRONMENT": "development",
            "ECHO_NATS_URL": self.nats.url,
            "ECHO_DATABASE_URL": self.postgres.dsn,
            "ECHO_BLOB_URL": self.blob_root.resolve().as_uri(),
            "ECHO_JWT_SECRET": self.jwt_secret,
            # The usual local dev servers (Vite, Next.js, CRA) may call the API from a browser.
            "ECHO_GATEWAY_CORS_ORIGINS": ",".join(DEV_FRONTEND_ORIGINS),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("ECHO_BLOB_ROOT", None)  # the deprecated alias would contradict the URL
        for name, port in self.ports.services.items():
            env[f"ECHO_{name.upper()}_PORT"] = str(port)
        env.update(self.extra_env)
        return env

    def migrate(self) -> None:
        """Run `python -m services.migrate` (SQL migrations, streams and consumers), as a
        deployment's init job does, with the services' environment."""
        process = self._spawn("migrate", ["-m", "services.migrate"])
        try:
            code = process.process.wait(timeout=MIGRATE_SECONDS)
        except subprocess.TimeoutExpired:
            process.process.kill()
            process.process.wait()
            code = None
        if process.pump is not None:
            process.pump.join(timeout=5)
        if code != 0:
            result = "timed out" if code is None else f"failed with exit code {code}"
            raise StackError(f"the migrate step {result}" + self._log_tail("migrate"))

    def start_service(self, name: str) -> ServiceProcess:
        """Start (or restart) one service process."""
        service = self._spawn(name, ["-m", f"services.{name}"])
        self.services[name] = service
        return service

    def _spawn(self, name: str, args: list[str]) -> ServiceProcess:
        output: int | IO[bytes]
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        else:
            output = subprocess.PIPE
        try:
            # A session of its own: Ctrl-C reaches only the launcher, which stops children
            # in order.
            process = subprocess.Popen(
                [sys.executable, *args],
                env=self.service_env(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if not isinstance(output, int):
                output.close()
        child = ServiceProcess(name=name, port=self.ports.services.get(name, 0), process=process)
        if process.stdout is not None:
            child.pump = threading.Thread(
                target=_prefix_lines, args=(name, process.stdout), daemon=True
            )
            child.pump.start()
        return child

    def wait_ready(
        self,
        timeout: float = 60.0,
        names: tuple[str, ...] = SERVICES,
        cancel: threading.Event | None = None,
    ) -> None:
        """Wait until each service answers its readiness endpoint."""
        deadline = time.monotonic() + timeout
        for name in names:
            service = self.services[name]
            while True:
                _raise_if_cancelled(cancel)
                if service.process.poll() is not None:
                    raise StackError(
                        f"{name} exited with code {service.process.returncode}"
                        + self._log_tail(name)
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{service.url}/readyz", timeout=2).is_success:
                        break
                if time.monotonic() > deadline:
                    raise StackError(f"{name} did not become ready within {timeout:.0f} s")
                time.sleep(0.2)

    def _log_tail(self, name: str, lines: int = 15) -> str:
        """The last lines a child wrote, when they went to a file (else they were shown)."""
        if self.log_dir is None:
            return ""
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.is_file() else ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"; the end of {path}:\n{tail}"

    def exited(self) -> dict[str, int]:
        """The services that have exited on their own, with their exit codes."""
        return {
            name: code
            for name, service in self.services.items()
            if (code := service.process.poll()) is not None
        }

    def kill_service(self, name: str) -> None:
        """SIGKILL one service, as a crash would."""
        service = self.services[name]
        service.process.send_signal(signal.SIGKILL)
        service.process.wait()

    def stop_service(self, name: str) -> None:
        """SIGTERM one service and wait for it to drain (killed after `stop_seconds`)."""
        self._stop_services([name])

    def stop(self) -> None:
        """Stop every service at once, then NATS, then Postgres; safe to call twice."""
        if self.services:
            self._stop_services(list(self.services))
            logger.info("services stopped")
        if self.nats is not None:
            self.nats.stop()
            self.nats = None
            logger.info("NATS stopped")
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
            logger.info("Postgres stopped")
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _stop_services(self, names: list[str]) -> None:
        stopping = [self.services.pop(name) for name in names if name in self.services]
        for service in stopping:
            if service.process.poll() is None:
                service.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_seconds
        for service in stopping:
            try:
                service.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning(
                    "%s did not stop within %.0f s of SIGTERM; killing it",
                    service.name,
                    self.stop_seconds,
                )
                service.process.kill()
                service.process.wait()
            if service.pump is not None:
                service.pump.join(timeout=5)


def _raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise StackError("start interrupted")


def _prefix_lines(name: str, stream: IO[bytes]) -> None:
    for raw in iter(stream.readline, b""):
        sys.stdout.write(f"[{name:<10}] {raw.decode(errors='replace')}")
        sys.stdout.flush()
    stream.close()
