"""Fixtures of the transcoder tests: the worker app in this process, on a fresh consumer."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from faststream.asgi import AsgiFastStream
from nats.js import JetStreamContext

from contracts.enums import JobKind
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.transcoder.app import create_app
from tests.support.workers import fresh_consumer, running
from tests.transcoder.support import worker_settings


@pytest.fixture
async def worker(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path
) -> AsyncIterator[AsgiFastStream]:
    """The transcoder running against the test NATS, its consumer recreated with the test's
    tuning so delivery counters are this test's alone."""
    settings = worker_settings()
    await fresh_consumer(jetstream, JobKind.TRANSCODE, settings)
    app = create_app(
        settings, BusSettings(nats_url=nats_server.url), BlobSettings(blob_root=blob_root)
    )
    async with running(app):
        yield app
