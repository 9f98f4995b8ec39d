"""Each image's command, run here: `python -m services.<name>` as its Dockerfile stage's
ENTRYPOINT says, with the image's ENV and configuration from the environment alone, in a
subprocess against real servers (NATS from the wheel, the embedded Postgres). The
migrate step runs first, as the init step does; each service must then answer its
readiness probe and the image's HEALTHCHECK command."""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from services.devstack.ports import SERVICES, free_port
from services.devstack.servers import EmbeddedPostgres, NatsServer
from tests.deploy.dockerfile import effective_env, stages

ROOT = Path(__file__).resolve().parents[2]
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
READY_SECONDS = 90.0
STOP_SECONDS = 45.0
SECRET = "deploy-test-" + "s" * 40


def _command(name: str) -> list[str]:
    """The stage's ENTRYPOINT, with the image's `python` (first on its PATH) as ours."""
    entrypoint = stages()[name].entrypoint
    assert entrypoint is not None
    assert entrypoint[0] == "python"
    return [sys.executable, *entrypoint[1:]]


def _environment(name: str, config: dict[str, str]) -> dict[str, str]:
    """The image's ENV, then the deployment's configuration; nothing from this process
    but where Python is (the image's PATH names /opt/echo/bin)."""
    image = {key: value for key, value in effective_env(stages(), name).items() if key != "PATH"}
    return {**image, "PATH": str(Path(sys.executable).parent), **config}


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """A NATS server of this module's own, so no other test's consumers are touched."""
    server = NatsServer(tmp_path_factory.mktemp("deploy-nats")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database(postgres: EmbeddedPostgres) -> str:
    """A fresh, empty database in the embedded server, for the migrate step to fill."""
    name = f"echo_deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.dsn, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    return make_conninfo(postgres.dsn, dbname=name)


@pytest.fixture(scope="module")
def config(
    bus: NatsServer, database: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """What a deployment sets: production mode, every required secret, the servers."""
    blobs = tmp_path_factory.mktemp("deploy-blobs")
    return {
        "ECHO_ENVIRONMENT": "production",
        "ECHO_NATS_URL": bus.url,
        "ECHO_DATABASE_URL": database,
        "ECHO_JWT_SECRET": SECRET,
        "ECHO_GATEWAY_SIGNING_KEY": SECRET,
        "ECHO_BLOB_URL": blobs.as_uri(),
        "ECHO_BLOB_SCRATCH_DIR": str(tmp_path_factory.mktemp("deploy-scratch")),
        **{f"ECHO_{name.upper()}_PORT": str(free_port()) for name in SERVICES},
    }


@pytest.mark.servers
def test_each_image_command_starts_and_answers_its_probes(
    config: dict[str, str], tmp_path: Path
) -> None:
    migrate = subprocess.run(
        _command("migrate"),
        env=_environment("migrate", config),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "streams and consumers declared" in migrate.stdout

    logs = {name: (tmp_path / f"{name}.log").open("wb") for name in SERVICES}
    processes = {
        name: subprocess.Popen(
            _command(name),
            env=_environment(name, config),
            cwd=tmp_path,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name in SERVICES
    }
    try:
        for name in SERVICES:
            port_variable = f"ECHO_{name.upper()}_PORT"
            _wait_ready(name, processes[name], int(config[port_variable]), tmp_path)
            healthcheck = subprocess.run(
                [sys.executable, str(HEALTHCHECK), port_variable],
                env=_environment(name, config),
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            assert healthcheck.returncode == 0, healthcheck.stderr
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in processes.items():
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            logs[name].close()
    for name, process in processes.items():
        # uvicorn re-raises the SIGTERM it handled once shut down: -15 is a clean stop.
        clean = process.returncode in (0, -signal.SIGTERM)
        assert clean, f"{name} did not stop cleanly:\n{_tail(tmp_path, name)}"


def _tail(folder: Path, name: str) -> str:
    return "\n".join((folder / f"{name}.log").read_text(errors="replace").splitlines()[-30:])


def _wait_ready(name: str, process: subprocess.Popen[bytes], port: int, logs: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{name} exited:\n{_tail(logs, name)}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{name} was not ready within {READY_SECONDS:.0f} s:\n{_tail(logs, name)}")


@pytest.mark.parametrize("missing", ["ECHO_DATABASE_URL", "ECHO_GATEWAY_SIGNING_KEY"])
@pytest.mark.servers
def test_the_gateway_refuses_to_start_without_a_required_secret(
    config: dict[str, str], missing: str, tmp_path: Path
) -> None:
    env = {key: value for key, value in _environment("gateway", config).items() if key != missing}
    result = subprocess.run(
        _command("gateway"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert missing.removeprefix("ECHO_").lower() in (result.stdout + result.stderr).lower()


@pytest.mark.servers
def test_the_migrate_image_finds_its_migrations_in_the_package(
    postgres: EmbeddedPostgres, tmp_path: Path
) -> None:
    """The image's layout: the packages in site-packages (the SQL is package data inside
    services.migrate), no repository around; migrations must apply."""
    site = tmp_path / "site-packages"
    for package in ("contracts", "services"):
        shutil.copytree(
            ROOT / package, site / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    name = f"echo_layout_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.dsn, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    env = {
        **_environment("migrate", {"ECHO_DATABASE_URL": make_conninfo(postgres.dsn, dbname=name)}),
        "PYTHONPATH": str(site),
    }
    result = subprocess.run(
        [*_command("migrate"), "--skip-bus"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
