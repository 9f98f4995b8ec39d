"""Behaviour under load and across replicas: a client that does not read is closed as
`slow_consumer` once its bounded buffer fills (and can resume), two replicas on one bus
both deliver every event, and a stopping replica tells its clients `going_away`."""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contracts import subjects
from contracts.live import (
    CloseReason,
    ConnectionClosing,
    JobProgressUpdate,
    JobStatusUpdate,
    ServerMessage,
)
from services.devstack.servers import NatsServer
from tests.support.bus import eventually
from tests.support.notifier import (
    RECV_SECONDS,
    RunningNotifier,
    live_client,
    progress_event,
    publish_progress,
    publish_status,
    receive_until,
    recv_message,
    recv_until,
    run_notifier,
    status_event,
)

BUFFER = 16
TICKS_PER_ROUND = 500
MAX_ROUNDS = 40


@pytest.fixture
async def small_buffer_notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret, client_buffer_messages=BUFFER) as running:
        yield running


async def read_until_closed(ws: ClientConnection, into: list[ServerMessage]) -> None:
    while True:
        into.append(await recv_message(ws))


def small_socket(port: int) -> socket.socket:
    """A client socket with a small receive buffer, so the server's sends block soon."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def test_client_that_does_not_read_is_closed_as_slow_consumer(
    small_buffer_notifier: RunningNotifier,
    nats_client: NatsClient,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
) -> None:
    notifier = small_buffer_notifier
    video, job = uuid4(), uuid4()
    url = f"{notifier.ws_url}?access_token={token}"
    async with connect(url, sock=small_socket(notifier.port), max_queue=1) as ws:
        await recv_until(ws, "snapshot.end")
        status_seq = await publish_status(jetstream, status_event(user_id, video, job, 1))
        tick = progress_event(user_id, video, job, 50.0).model_dump_json().encode()
        subject = subjects.job_progress(user_id, job)

        async def slow_consumer_closed() -> bool:
            labels = {"transport": "ws", "reason": "slow_consumer"}
            return notifier.metric("echo_notifier_closed_total", **labels) == 1

        published = 0
        for _ in range(MAX_ROUNDS):  # the client reads nothing meanwhile
            for _ in range(TICKS_PER_ROUND):
                await nats_client.publish(subject, tick)
            published += TICKS_PER_ROUND
            await nats_client.flush()
            if await slow_consumer_closed():
                break
        await eventually(slow_consumer_closed, within=RECV_SECONDS, what="a slow_consumer close")

        # Reading again (within the close frame's 5 s wait): what was already on the wire,
        # then the close frame and its reason.
        received: list[ServerMessage] = []
        with pytest.raises(ConnectionClosed) as closed:
            await read_until_closed(ws, received)
    assert len(received) < published
    assert all(isinstance(message, JobStatusUpdate | JobProgressUpdate) for message in received)
    frame = closed.value.rcvd
    assert frame is not None
    assert (frame.code, frame.reason.partition(":")[0]) == (1013, CloseReason.SLOW_CONSUMER)

    async def released() -> bool:
        return notifier.state.hub.connections == 0

    await eventually(released, within=RECV_SECONDS, what="the connection to be released")

    # It resumes where it was: nothing of what it missed was a status.
    async with live_client(notifier, "ws", token, since=status_seq) as receive:
        await publish_status(jetstream, status_event(user_id, video, job, 2))
        resumed = await receive()
    assert isinstance(resumed, JobStatusUpdate)
    assert resumed.version == 2


@pytest.fixture
async def two_replicas(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[tuple[RunningNotifier, RunningNotifier]]:
    async with (
        run_notifier(nats_server.url, jwt_secret) as first,
        run_notifier(nats_server.url, jwt_secret) as second,
    ):
        assert first.port != second.port
        yield first, second


async def test_two_replicas_both_deliver_and_resume_across(
    two_replicas: tuple[RunningNotifier, RunningNotifier],
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
) -> None:
    first, second = two_replicas
    video, job = uuid4(), uuid4()
    async with (
        live_client(first, "ws", token) as on_first,
        live_client(second, "sse", token) as on_second,
    ):
        for receive in (on_first, on_second):
            await receive_until(receive, "snapshot.end")
        sequence = await publish_status(jetstream, status_event(user_id, video, job, 1))
        await publish_progress(jetstream, progress_event(user_id, video, job, 30.0))
        for receive in (on_first, on_second):
            status, progress = await receive(), await receive()
            assert isinstance(status, JobStatusUpdate)
            assert (status.job_id, status.sequence) == (job, sequence)
            assert isinstance(progress, JobProgressUpdate)
            assert progress.progress == 30.0

    # Left the first replica; missed a change; resumed on the second.
    missed = await publish_status(jetstream, status_event(user_id, video, job, 2))
    async with live_client(second, "ws", token, since=sequence) as receive:
        replayed = await receive()
    assert isinstance(replayed, JobStatusUpdate)
    assert (replayed.version, replayed.sequence) == (2, missed)


async def test_stopping_replica_tells_its_clients_going_away(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str, token: str
) -> None:
    async with contextlib.AsyncExitStack() as clients:
        async with run_notifier(nats_server.url, jwt_secret, shutdown_grace_seconds=5) as notifier:
            url = f"{notifier.ws_url}?access_token={token}"
            ws = await clients.enter_async_context(connect(url))
            await recv_until(ws, "snapshot.end")
            receive = await clients.enter_async_context(live_client(notifier, "sse", token))
            await receive_until(receive, "snapshot.end")
        # The block's exit stopped the server; the clients are still open.
        with pytest.raises(ConnectionClosed) as closed:
            await recv_message(ws)
        last = await asyncio.wait_for(receive(), RECV_SECONDS)
    frame = closed.value.rcvd
    assert frame is not None
    assert (frame.code, frame.reason.partition(":")[0]) == (1001, CloseReason.GOING_AWAY)
    assert isinstance(last, ConnectionClosing)
    assert last.reason is CloseReason.GOING_AWAY
