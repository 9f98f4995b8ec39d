"""A notifier per test, on the session's real NATS with Echo's streams declared and emptied."""

from collections.abc import AsyncIterator

import pytest
from nats.js import JetStreamContext

from services.devstack.servers import NatsServer
from tests.support.notifier import RunningNotifier, run_notifier


@pytest.fixture
async def notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret) as running:
        yield running
