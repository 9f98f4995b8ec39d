"""Fixtures of the gateway tests: a gateway started for real (lifespan, Postgres, NATS,
blob root) on the session's servers. Helpers live in `tests/support/gateway.py`."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from nats.js import JetStreamContext

from services.devstack.servers import NatsServer
from services.gateway.app import create_app
from tests.support.bus import eventually
from tests.support.gateway import Gateway, StartGateway, make_config


@pytest.fixture
def start_gateway(
    clean_database: str,
    jetstream: JetStreamContext,
    nats_server: NatsServer,
    blob_root: Path,
    jwt_secret: str,
) -> StartGateway:
    """Start a gateway with settings overrides; stopped when the block exits."""

    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Gateway]:
        config = make_config(clean_database, nats_server.url, blob_root, jwt_secret, **overrides)
        app = create_app(config)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
            ) as client,
        ):
            yield Gateway(app=app, client=client, parts=app.state.gateway)

    return start


@pytest.fixture
async def gateway(start_gateway: StartGateway) -> AsyncIterator[Gateway]:
    async with start_gateway() as running:
        yield running


@dataclass
class Served:
    """A started gateway also listening on a real port (for clients that speak HTTP)."""

    gateway: Gateway
    url: str


@pytest.fixture
def serve_gateway(
    start_gateway: StartGateway,
) -> Callable[..., AbstractAsyncContextManager[Served]]:
    """Start a gateway (with settings overrides) behind uvicorn on a free loopback port."""

    @contextlib.asynccontextmanager
    async def serve(**overrides: Any) -> AsyncIterator[Served]:
        async with start_gateway(**overrides) as running:
            server = uvicorn.Server(
                uvicorn.Config(
                    running.app, host="127.0.0.1", port=0, lifespan="off", log_level="warning"
                )
            )
            task = asyncio.create_task(server.serve())

            async def started() -> bool:
                return server.started

            await eventually(started, what="gateway listening")
            port = server.servers[0].sockets[0].getsockname()[1]
            try:
                yield Served(gateway=running, url=f"http://127.0.0.1:{port}")
            finally:
                server.should_exit = True
                await task

    return serve


@pytest.fixture
async def served(
    serve_gateway: Callable[..., AbstractAsyncContextManager[Served]],
) -> AsyncIterator[Served]:
    async with serve_gateway() as running:
        yield running
