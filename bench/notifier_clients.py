"""Client processes of the notifier benchmark: many WebSocket clients per process, or one
raw NATS subscriber, each recording the latency of every `job.status` it receives.

A child is driven over a pipe by `bench.notifier`: it connects, answers `ready` with how
many connections opened, then records; `report` returns the latencies recorded since the
last report and the connections lost; `stop` closes everything. Latency is the time
from the status's `occurred_at`, stamped by the publisher just before publishing, to its
receipt (one clock: every process runs on the same machine).
"""

import asyncio
import json
import resource
import time
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

import nats
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contracts import subjects
from contracts.streams import STATUS

CONNECT_CONCURRENCY = 64
OPEN_TIMEOUT_SECONDS = 60.0


@dataclass
class Recorder:
    """Latencies (seconds) of the statuses received, and connections lost."""

    latencies: list[float] = field(default_factory=list)
    lost: int = 0

    def status(self, raw: str | bytes) -> None:
        message = json.loads(raw)
        if message.get("type", "job.status") == "job.status" and "occurred_at" in message:
            sent = datetime.fromisoformat(message["occurred_at"]).timestamp()
            self.latencies.append(time.time() - sent)

    def take(self) -> dict[str, Any]:
        taken = {"latencies": self.latencies, "lost": self.lost}
        self.latencies = []
        return taken


def raise_file_limit() -> None:
    """Allow as many open files as the hard limit (one socket per connection)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _commands(pipe: Connection) -> str:
    return str(await asyncio.to_thread(pipe.recv))


async def _serve_commands(pipe: Connection, recorder: Recorder, ready: dict[str, Any]) -> None:
    pipe.send(ready)
    while (command := await _commands(pipe)) != "stop":
        assert command == "report", command
        pipe.send(recorder.take())


async def _websockets(pipe: Connection, urls: list[str]) -> None:
    recorder = Recorder()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    clients: list[ClientConnection] = []

    async def open_one(url: str) -> None:
        async with gate:
            ws = await connect(url, open_timeout=OPEN_TIMEOUT_SECONDS, max_size=None)
            while json.loads(await ws.recv())["type"] != "snapshot.end":
                pass
            clients.append(ws)

    results = await asyncio.gather(*(open_one(url) for url in urls), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]

    async def read(ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                recorder.status(raw)
        except ConnectionClosed:
            pass
        recorder.lost += 1

    readers = [asyncio.create_task(read(ws)) for ws in clients]
    first_error = repr(failures[0]) if failures else None
    ready = {"ready": len(clients), "failed": len(failures), "first_error": first_error}
    await _serve_commands(pipe, recorder, ready)
    recorder.lost -= len(clients)  # closing them now is not a loss
    for ws in clients:
        await ws.close()
    await asyncio.gather(*readers)


async def _raw(pipe: Connection, nats_url: str, jetstream: bool) -> None:
    recorder = Recorder()
    nc = await nats.connect(nats_url)

    async def received(message: Msg) -> None:
        recorder.status(message.data)

    if jetstream:
        await nc.jetstream().subscribe(
            subjects.JOB_STATUS,
            stream=STATUS.name,
            cb=received,
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
        )
    else:
        await nc.subscribe(subjects.JOB_STATUS, cb=received)
    await nc.flush()
    await _serve_commands(pipe, recorder, {"ready": 1, "failed": 0, "first_error": None})
    await nc.drain()


def websocket_clients(pipe: Connection, urls: list[str]) -> None:
    """Child process: one WebSocket client per URL."""
    raise_file_limit()
    asyncio.run(_websockets(pipe, urls))


def raw_subscriber(pipe: Connection, nats_url: str, jetstream: bool) -> None:
    """Child process: one NATS subscriber to every status (core, or JetStream ordered
    consumer as the notifier's hub uses)."""
    asyncio.run(_raw(pipe, nats_url, jetstream))
