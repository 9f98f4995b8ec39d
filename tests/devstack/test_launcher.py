"""`python -m services.devstack` (what `scripts/dev.sh` runs), as a person uses it: it
starts beside another platform on other ports, a refused start names the port and leaves
nothing behind, and Ctrl-C stops the services, then the servers, without a traceback."""

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.devstack.ports import PortInUseError, PortPlan, port_is_free
from services.devstack.stack import DevStack, StackError

LAUNCHER = (sys.executable, "-m", "services.devstack")
START_SECONDS = 120.0
STOP_SECONDS = 30.0


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _free_base() -> PortPlan:
    """A plan on a base whose six ports are all free now."""
    for base in random.sample(range(20000, 30000, 10), 50):
        plan = PortPlan.from_base(base)
        with contextlib.suppress(PortInUseError):
            plan.check_free()
            return plan
    raise AssertionError("no free block of ports")


def _in_use(plan: PortPlan) -> list[int]:
    return [port for port in plan.named().values() if not port_is_free(port)]


def test_a_plan_names_the_port_in_use(taken_port: int) -> None:
    free = PortPlan.free()
    plan = PortPlan({**free.services, "notifier": taken_port}, free.nats, free.nats_monitor)
    with pytest.raises(RuntimeError, match=f"port {taken_port} \\(for notifier\\) is in use"):
        plan.check_free()
    free.check_free()


def test_a_base_lays_out_every_port_after_it() -> None:
    plan = PortPlan.from_base(9100)
    assert plan.named() == {
        "gateway": 9100,
        "transcoder": 9101,
        "metadata": 9102,
        "notifier": 9103,
        "nats": 9104,
        "nats monitor": 9105,
    }
    assert len(set(PortPlan.free().named().values())) == 6


@pytest.mark.servers
def test_a_refused_start_leaves_nothing_behind(tmp_path: Path, taken_port: int) -> None:
    free = PortPlan.free()
    data = tmp_path / "data"
    stack = DevStack(data, ports=PortPlan(free.services, taken_port, free.nats_monitor))
    with pytest.raises(StackError, match=f"port {taken_port} \\(for nats\\)"):
        stack.start()
    assert not data.exists()
    assert not _in_use(PortPlan(free.services, 0, free.nats_monitor)), "nothing was started"


@pytest.mark.servers
def test_ctrl_c_stops_services_then_servers_without_a_traceback(tmp_path: Path) -> None:
    data, output = tmp_path / "data", tmp_path / "launcher.out"
    plan = _free_base()
    with output.open("wb") as sink:
        # A session of its own, as a terminal's foreground job; Ctrl-C signals the group.
        launcher = subprocess.Popen(
            [*LAUNCHER, "--data-dir", str(data), "--port-base", str(plan.services["gateway"])],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "200"},
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while "Echo is running" not in output.read_text(errors="replace"):
            assert launcher.poll() is None, output.read_text(errors="replace")
            assert time.monotonic() < deadline, "the platform did not start in time"
            time.sleep(0.5)
        assert _in_use(plan) == list(plan.named().values()), "every service and NATS listen"
        assert (data / "postgres" / "postmaster.pid").exists(), "Postgres runs"

        started = time.monotonic()
        os.killpg(launcher.pid, signal.SIGINT)
        assert launcher.wait(timeout=STOP_SECONDS) == 0
        took = time.monotonic() - started
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()

    text = output.read_text(errors="replace")
    assert "Traceback" not in text, text
    assert "did not stop" not in text, "a service had to be killed"
    order = [text.index(f"devstack: {part} stopped") for part in ("services", "NATS", "Postgres")]
    assert order == sorted(order), "services first, then NATS, then Postgres"
    assert took < STOP_SECONDS
    assert not _in_use(plan), "every service and NATS have exited"
    assert not (data / "postgres" / "postmaster.pid").exists(), "Postgres shut down cleanly"
