"""A real notifier on the session's NATS, for the CLI's watcher and upload tests."""

from collections.abc import AsyncIterator

import pytest
from nats.js import JetStreamContext

from services.devstack.servers import NatsServer
from tests.notifier.harness import RunningNotifier, run_notifier


@pytest.fixture
async def notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret) as running:
        yield running
