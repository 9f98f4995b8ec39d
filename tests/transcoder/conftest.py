"""Fixtures of the transcoder tests: a clean durable consumer and an in-process worker."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.streams import TRANSCODER
from services.common.blobs import LocalBlobStore
from services.common.settings import BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.transcoder.app import create_app
from tests.transcoder.support import Worker, worker_settings


@pytest.fixture
async def clean_bus(jetstream: JetStreamContext) -> JetStreamContext:
    """Empty streams and no transcoder consumer: a durable left by an earlier test would
    carry its own ack wait and its position in the stream."""
    with contextlib.suppress(NotFoundError):
        await jetstream.delete_consumer(TRANSCODER.stream, TRANSCODER.durable)
    return jetstream


@pytest.fixture
async def worker(
    clean_bus: JetStreamContext, nats_server: NatsServer, blob_root: Path
) -> AsyncIterator[Worker]:
    settings = worker_settings()
    app = create_app(
        settings, BusSettings(nats_url=nats_server.url), BlobSettings(blob_root=blob_root)
    )
    async with app:
        yield Worker(app=app, js=clean_bus, store=LocalBlobStore(blob_root), settings=settings)
