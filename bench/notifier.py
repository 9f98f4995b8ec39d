"""Live status fan-out: how fast a recorded status reaches many WebSocket clients, what
a connection costs the notifier, and how long a user with many past jobs waits to connect.

    python -m bench.notifier [--clients 1000 --clients 10000] [--users 1000] [--rounds 10]
                             [--processes 4] [--past-jobs 5000] [--save]

Starts a NATS server (migrated) and the notifier as its own process
(`python -m services.notifier`), then for each scenario opens the clients in several
client processes (`bench.notifier_clients`, so that the clients are not the bottleneck)
and publishes rounds of `JobStatusChangedEvent`s into `ECHO_STATUS` as the gateway does,
one per user per round, each stamped with its publish time. Figures per scenario:

- fan-out latency, publish to receipt by every client, p50 / p99 / max, against the raw
  NATS latency of the same messages in the same run (a core subscriber to
  `echo.status.>`, and a JetStream ordered consumer as the notifier's hub uses);
- memory per idle connection: the notifier's RSS growth over the connections opened;
- every client received every status meant for it (none lost, none closed).

Then the connect time of a user with `--past-jobs` past jobs (finished two days ago,
plus ten running): time to `snapshot.end`, and what the snapshot weighed.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import nats
from nats.js import JetStreamContext
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import connect

from bench.harness import BenchRun, Machine, show
from bench.notifier_clients import raise_file_limit, raw_subscriber, websocket_clients
from contracts import subjects
from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobStatusChangedEvent
from contracts.streams import STATUS
from services.common.auth import mint_token
from services.common.bus import MSG_ID_HEADER
from services.devstack.ports import free_port
from services.devstack.servers import NatsServer
from services.migrate.bus import migrate_bus

console = Console(width=160)
SECRET = "bench-secret-" + "x" * 32
ROUND_INTERVAL_SECONDS = 0.5
SETTLE_SECONDS = 2.0
STARTUP_SECONDS = 30.0
MIB = 1024 * 1024


@dataclass(frozen=True)
class Scenario:
    clients: int
    users: int

    @property
    def name(self) -> str:
        spread = "one user" if self.users == 1 else f"{self.users} users"
        return f"{self.clients} clients, {spread}"


@dataclass
class Child:
    process: BaseProcess
    pipe: Connection

    def ask(self, command: str) -> dict[str, Any]:
        self.pipe.send(command)
        answer: dict[str, Any] = self.pipe.recv()
        return answer


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, action="append", help="clients (1000, 10000)")
    parser.add_argument("--users", type=int, default=1000, help="users the clients spread over")
    parser.add_argument("--rounds", type=int, default=10, help="statuses per user (10)")
    parser.add_argument("--processes", type=int, default=4, help="client processes (4)")
    parser.add_argument("--past-jobs", type=int, default=5000, help="jobs of the connect test")
    parser.add_argument("--connects", type=int, default=5, help="timed connects (5)")
    parser.add_argument("--no-one-user", action="store_true", help="skip 1,000 on one user")
    parser.add_argument("--save", action="store_true", help="write JSON under bench/results/")
    return parser.parse_args()


def _scenarios(args: argparse.Namespace) -> list[Scenario]:
    sizes = args.clients or [1000, 10000]
    scenarios = [Scenario(size, min(args.users, size)) for size in sizes]
    if not args.no_one_user:
        scenarios.insert(1, Scenario(1000, 1))
    return scenarios


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 / p99 / max in milliseconds (empty: zeros)."""
    if not values:
        return {"count": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered
    return {
        "count": len(ordered),
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * (q[98] if len(q) > 1 else q[0]),
        "max_ms": 1000 * ordered[-1],
    }


def status(owner: UUID, job: UUID, version: int, **fields: Any) -> JobStatusChangedEvent:
    return JobStatusChangedEvent(
        owner_id=owner,
        video_id=job,
        job_id=job,
        kind=JobKind.TRANSCODE,
        status=fields.pop("status", ProcessingStatus.PROCESSING),
        progress=fields.pop("progress", 50.0),
        version=version,
        video_status=ProcessingStatus.PROCESSING,
        **fields,
    )


async def publish(js: JetStreamContext, event: JobStatusChangedEvent) -> None:
    await js.publish(
        subjects.job_status(event.owner_id, event.job_id),
        event.model_dump_json().encode(),
        stream=STATUS.name,
        headers={MSG_ID_HEADER: f"bench:{event.job_id}:{event.version}"},
    )


def rss_bytes(pid: int) -> int:
    """A process's resident memory now (`VmRSS`)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def notifier_process(nats_url: str, port: int) -> Iterator[int]:
    env = {
        **os.environ,
        "ECHO_NATS_URL": nats_url,
        "ECHO_JWT_SECRET": SECRET,
        "ECHO_ENVIRONMENT": "development",
        "ECHO_LOG_LEVEL": "WARNING",
        "ECHO_NOTIFIER_PORT": str(port),
        "ECHO_NOTIFIER_SHUTDOWN_GRACE_SECONDS": "10",
    }
    process = subprocess.Popen([sys.executable, "-m", "services.notifier"], env=env)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the notifier did not become ready")
            time.sleep(0.1)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def spawn(target: Any, *args: Any) -> Child:
    parent, child = get_context("spawn").Pipe()
    process = get_context("spawn").Process(target=target, args=(child, *args), daemon=True)
    process.start()
    return Child(process, parent)


def ready(children: list[Child]) -> tuple[int, int, str | None]:
    opened = failed = 0
    first_error = None
    for child in children:
        answer = child.pipe.recv()
        opened += answer["ready"]
        failed += answer["failed"]
        first_error = first_error or answer["first_error"]
    return opened, failed, first_error


def report(children: list[Child]) -> tuple[list[float], int]:
    latencies: list[float] = []
    lost = 0
    for child in children:
        answer = child.ask("report")
        latencies += answer["latencies"]
        lost += answer["lost"]
    return latencies, lost


def stop(children: list[Child]) -> None:
    for child in children:
        child.pipe.send("stop")
    for child in children:
        child.process.join(timeout=60)


def run_scenario(
    scenario: Scenario,
    args: argparse.Namespace,
    ws_url: str,
    notifier: int,
    raw: dict[str, Child],
    js: JetStreamContext,
    loop: asyncio.AbstractEventLoop,
    rounds: int | None = None,
) -> dict[str, Any]:
    rounds = rounds or args.rounds
    users = [uuid4() for _ in range(scenario.users)]
    urls = [
        f"{ws_url}?access_token={mint_token(SECRET, users[i % len(users)])}"
        for i in range(scenario.clients)
    ]
    processes = max(1, min(args.processes, scenario.clients // 100 or 1))
    rss_before = rss_bytes(notifier)
    started = time.monotonic()
    children = [spawn(websocket_clients, urls[i::processes]) for i in range(processes)]
    opened, failed, first_error = ready(children)
    connect_seconds = time.monotonic() - started
    time.sleep(SETTLE_SECONDS)
    rss_after = rss_bytes(notifier)
    for child in raw.values():
        child.ask("report")  # forget what came before this scenario

    for version in range(1, rounds + 1):
        for user in users:
            loop.run_until_complete(publish(js, status(user, user, version)))
        time.sleep(ROUND_INTERVAL_SECONDS)
    time.sleep(SETTLE_SECONDS)
    latencies, lost = report(children)
    raw_figures = {name: percentiles(report([child])[0]) for name, child in raw.items()}
    stop(children)
    expected = rounds * scenario.clients
    return {
        "scenario": scenario.name,
        "clients": scenario.clients,
        "users": scenario.users,
        "client_processes": processes,
        "opened": opened,
        "failed": failed,
        "first_error": first_error,
        "connect_all_seconds": round(connect_seconds, 2),
        "rss_before_mib": round(rss_before / MIB, 1),
        "rss_after_mib": round(rss_after / MIB, 1),
        "kib_per_connection": round((rss_after - rss_before) / 1024 / max(opened, 1), 1),
        "expected": expected,
        "received": len(latencies),
        "lost_connections": lost,
        "notifier": percentiles(latencies),
        **{f"raw_{name}": figures for name, figures in raw_figures.items()},
    }


async def connect_times(
    js: JetStreamContext, ws_url: str, past_jobs: int, connects: int
) -> dict[str, Any]:
    """A user with `past_jobs` jobs finished two days ago and ten running: connect time."""
    user = uuid4()
    long_ago = datetime.now(UTC) - timedelta(days=2)
    for _ in range(past_jobs):
        done = status(
            user,
            uuid4(),
            3,
            status=ProcessingStatus.COMPLETED,
            progress=100.0,
            occurred_at=long_ago,
        )
        await publish(js, done)
    for _ in range(10):
        await publish(js, status(user, uuid4(), 2))
    url = f"{ws_url}?access_token={mint_token(SECRET, user)}"
    seconds: list[float] = []
    messages = size = 0
    for _ in range(connects):
        started = time.monotonic()
        messages = size = 0
        async with connect(url, max_size=None) as ws:
            while True:
                raw = await ws.recv()
                messages += 1
                size += len(raw)
                if json.loads(raw)["type"] == "snapshot.end":
                    break
        seconds.append(time.monotonic() - started)
    return {
        "past_jobs": past_jobs,
        "running_jobs": 10,
        "connects": connects,
        "median_seconds": round(statistics.median(seconds), 4),
        "max_seconds": round(max(seconds), 4),
        "messages": messages,
        "bytes": size,
    }


def table(results: list[dict[str, Any]]) -> Table:
    out = Table(title="fan-out latency, publish to receipt (ms): notifier vs raw NATS")
    for column in (
        "scenario",
        "opened/failed",
        "received/expected",
        "p50",
        "p99",
        "max",
        "raw core p50/p99",
        "raw JetStream p50/p99",
        "KiB/conn",
        "connect all s",
    ):
        out.add_column(column, justify="left" if column == "scenario" else "right")
    for r in results:
        n, core, stream = r["notifier"], r["raw_core"], r["raw_jetstream"]
        out.add_row(
            r["scenario"],
            f"{r['opened']}/{r['failed']}",
            f"{r['received']}/{r['expected']}",
            f"{n['p50_ms']:.1f}",
            f"{n['p99_ms']:.1f}",
            f"{n['max_ms']:.1f}",
            f"{core['p50_ms']:.1f}/{core['p99_ms']:.1f}",
            f"{stream['p50_ms']:.1f}/{stream['p99_ms']:.1f}",
            f"{r['kib_per_connection']:.1f}",
            f"{r['connect_all_seconds']:.1f}",
        )
    return out


def main() -> None:
    args = _arguments()
    raise_file_limit()
    run = BenchRun(name="notifier", machine=Machine.describe())
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory(prefix="echo-bench-notifier-") as tmp:
        server = NatsServer(Path(tmp) / "nats").start()
        try:
            nc = loop.run_until_complete(nats.connect(server.url))
            js = nc.jetstream()
            loop.run_until_complete(migrate_bus(js, replicas=1))
            port = free_port()
            ws_url = f"ws://127.0.0.1:{port}/ws/jobs"
            with notifier_process(server.url, port) as notifier:
                raw = {
                    "core": spawn(raw_subscriber, server.url, False),
                    "jetstream": spawn(raw_subscriber, server.url, True),
                }
                ready(list(raw.values()))
                scenarios = _scenarios(args)
                # Untimed: the notifier's heap grows once to hold that many connections;
                # measured afterwards, RSS growth is what connections cost, not warm-up.
                console.print(f"warm-up: {scenarios[0].name}")
                warm = run_scenario(scenarios[0], args, ws_url, notifier, raw, js, loop, rounds=1)
                run.results.append({**warm, "scenario": f"warm-up: {warm['scenario']}"})
                for scenario in scenarios:
                    console.print(f"running: {scenario.name}")
                    result = run_scenario(scenario, args, ws_url, notifier, raw, js, loop)
                    run.results.append(result)
                    console.print(table([result]))
                stop(list(raw.values()))
                console.print(f"connect: a user with {args.past_jobs} past jobs")
                connecting = connect_times(js, ws_url, args.past_jobs, args.connects)
                run.results.append({"connect": loop.run_until_complete(connecting)})
            loop.run_until_complete(nc.drain())
        except BaseException:
            # Keep the server's own account of a failed run (the folder is deleted).
            kept = Path(tempfile.gettempdir()) / "echo-bench-notifier-nats.log"
            shutil.copyfile(Path(tmp) / "nats" / "nats-server.log", kept)
            console.print(f"nats-server log kept at {kept}")
            raise
        finally:
            server.stop()
    run.notes.append(
        "latency: from the publisher's stamp just before a JetStream publish (fsync'd: "
        "sync_interval always) to receipt; raw core = a plain NATS subscriber to the same "
        "subject, raw JetStream = an ordered push consumer as the notifier's hub uses"
    )
    run.finish()
    console.print(table([r for r in run.results if "scenario" in r]))
    console.print(run.results[-1])
    show(console, run)
    if args.save:
        console.print(f"saved {run.save()}")


if __name__ == "__main__":
    main()
