"""An open connection keeps receiving updates across a NATS restart: the notifier
reconnects, and each connection's ordered consumer is recreated where it left off."""

import asyncio
import time
from pathlib import Path
from uuid import UUID, uuid4

import nats
from nats.js import JetStreamContext
from websockets.asyncio.client import connect

from contracts.events import JobStatusChangedEvent
from contracts.rest import JobStatusUpdate
from services.devstack.servers import NatsServer
from tests.notifier.harness import publish_status, run_notifier, status_event

RECOVERY_SECONDS = 15.0


async def publish_when_back(js: JetStreamContext, event: JobStatusChangedEvent) -> None:
    """Publish, retrying while the publisher's own connection recovers."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        try:
            await publish_status(js, event)
            return
        except Exception:  # any of nats-py's outage errors
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_updates_flow_again_after_nats_restarts(
    tmp_path: Path, jwt_secret: str, user_id: UUID, token: str
) -> None:
    server = await asyncio.to_thread(NatsServer(tmp_path / "nats").start)
    try:
        async with run_notifier(server.url, jwt_secret) as notifier:
            publisher = await nats.connect(
                server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.1
            )
            js = publisher.jetstream()
            video, job = uuid4(), uuid4()
            headers = {"Authorization": f"Bearer {token}"}
            async with connect(notifier.ws_url, additional_headers=headers) as ws:
                await publish_status(js, status_event(user_id, video, job, 1))
                first = JobStatusUpdate.model_validate_json(await asyncio.wait_for(ws.recv(), 5))
                assert first.version == 1

                await asyncio.to_thread(server.stop)
                server = await asyncio.to_thread(
                    NatsServer(
                        tmp_path / "nats", port=server.port, monitor_port=server.monitor_port
                    ).start
                )
                await publish_when_back(js, status_event(user_id, video, job, 2))
                raw = await asyncio.wait_for(ws.recv(), RECOVERY_SECONDS)
                assert JobStatusUpdate.model_validate_json(raw).version == 2
            await publisher.drain()
    finally:
        await asyncio.to_thread(server.stop)
