"""Wiring only: settings, bus connection, the hub, routers and problem handlers."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, WebSocket
from fastapi.exceptions import WebSocketRequestValidationError
from nats.aio.client import Client as NatsClient

from contracts.problems import ProblemCode
from services.common.auth import TokenVerifier
from services.common.problems import install_problem_handlers
from services.common.settings import AuthSettings, BusSettings
from services.notifier import operations, routes
from services.notifier.bus import connect_bus
from services.notifier.deps import NotifierState
from services.notifier.hub import Hub, HubUnavailableError
from services.notifier.metrics import NotifierMetrics
from services.notifier.settings import NotifierSettings
from services.notifier.ws import refuse

logger = logging.getLogger(__name__)

HUB_RETRY_SECONDS = 1.0


def create_app(
    settings: NotifierSettings | None = None,
    bus: BusSettings | None = None,
    auth: AuthSettings | None = None,
) -> FastAPI:
    """The notifier app; settings default to the environment (`ECHO_*`, `ECHO_NOTIFIER_*`)."""
    settings = settings or NotifierSettings()
    bus = bus or BusSettings()
    auth = auth or AuthSettings()
    metrics = NotifierMetrics()
    hub = Hub(
        heartbeat_seconds=settings.consumer_heartbeat_seconds,
        on_drop=lambda kind, reason: metrics.dropped.labels(kind, reason).inc(),
    )
    state = NotifierState(
        settings=settings,
        verifier=TokenVerifier(auth),
        metrics=metrics,
        hub=hub,
        leeway_seconds=auth.jwt_leeway_seconds,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        nc = await connect_bus(bus)
        starting = asyncio.create_task(_start_hub(hub, nc))
        logger.info("notifier started on nats %s", bus.nats_url)
        try:
            yield
        finally:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            await hub.stop(settings.shutdown_grace_seconds)
            await nc.drain()

    app = FastAPI(
        title="Echo notifier",
        summary="Live job status and progress over WebSocket and Server-Sent Events.",
        lifespan=lifespan,
    )
    app.state.notifier = state
    app.include_router(routes.router)
    app.include_router(operations.router)
    install_problem_handlers(app)
    app.add_exception_handler(WebSocketRequestValidationError, _invalid_websocket_request)
    return app


async def _start_hub(hub: Hub, nc: NatsClient) -> None:
    """Subscribe the hub, retrying until the bus answers and is migrated (until then
    the notifier is not ready and refuses connections as `bus_unavailable`)."""
    while True:
        try:
            await hub.start(nc)
            return
        except HubUnavailableError as error:
            logger.warning("live status unavailable (%s); retrying", error)
            await asyncio.sleep(HUB_RETRY_SECONDS)


async def _invalid_websocket_request(websocket: WebSocket, error: Exception) -> None:
    assert isinstance(error, WebSocketRequestValidationError)
    fields = ", ".join(".".join(str(part) for part in e["loc"]) for e in error.errors())
    await refuse(websocket, ProblemCode.INVALID_REQUEST, f"Not valid: {fields}.")
