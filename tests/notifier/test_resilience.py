"""An open connection keeps receiving statuses and progress across a NATS restart: the
notifier reconnects, nats-py restores the progress subscription, and each connection's
ordered consumer is recreated where it left off."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID, uuid4

import nats
import pytest
from websockets.asyncio.client import connect

from contracts import subjects
from contracts.live import JobProgressUpdate, JobStatusUpdate
from services.devstack.servers import NatsServer
from services.migrate.bus import migrate_bus
from tests.support.notifier import (
    progress_event,
    publish_status,
    recv_live,
    run_notifier,
    status_event,
)

RECOVERY_SECONDS = 15.0


async def when_back(publish: Callable[[], Awaitable[int]]) -> None:
    """Publish, retrying while the publisher's own connection recovers."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        try:
            await publish()
            return
        except Exception:  # any of nats-py's outage errors
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


@pytest.mark.servers
async def test_updates_flow_again_after_nats_restarts(
    tmp_path: Path, jwt_secret: str, user_id: UUID, token: str
) -> None:
    server = await asyncio.to_thread(NatsServer(tmp_path / "nats").start)
    try:
        publisher = await nats.connect(
            server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.1
        )
        js = publisher.jetstream()
        await migrate_bus(js, replicas=1)
        async with run_notifier(server.url, jwt_secret) as notifier:
            video, job = uuid4(), uuid4()
            headers = {"Authorization": f"Bearer {token}"}
            async with connect(notifier.ws_url, additional_headers=headers) as ws:
                await publish_status(js, status_event(user_id, video, job, 1))
                first = await recv_live(ws)
                assert isinstance(first, JobStatusUpdate)
                assert first.version == 1

                await asyncio.to_thread(server.stop)
                server = await asyncio.to_thread(
                    NatsServer(
                        tmp_path / "nats", port=server.port, monitor_port=server.monitor_port
                    ).start
                )
                await when_back(lambda: publish_status(js, status_event(user_id, video, job, 2)))
                second = await asyncio.wait_for(recv_live(ws), RECOVERY_SECONDS)
                assert isinstance(second, JobStatusUpdate)
                assert second.version == 2

                # The status arrived, so the notifier is reconnected: progress flows too.
                # Published on the subject alone: the notifier reads progress by core
                # subscription, and a single server forgets a memory stream on restart.
                tick = progress_event(user_id, video, job, 42.0)
                await publisher.publish(
                    subjects.job_progress(user_id, job), tick.model_dump_json().encode()
                )
                progress = await recv_live(ws)
                assert isinstance(progress, JobProgressUpdate)
                assert (progress.job_id, progress.progress) == (job, 42.0)
        await publisher.drain()
    finally:
        await asyncio.to_thread(server.stop)
