"""Wiring only: settings → parts → FastAPI app, broker and background loops in its lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import metadata
from typing import Any

from fastapi import FastAPI

from services.common.auth import TokenVerifier
from services.common.blobs import LocalBlobStore
from services.common.bus import declare_streams, make_broker
from services.gateway import health, jobs, uploads, videos
from services.gateway.db import Database
from services.gateway.dispatch_queue import DispatchQueue
from services.gateway.errors import install_error_handlers, use_problem_media_type
from services.gateway.metrics import GatewayMetrics
from services.gateway.outbox import OutboxRelay, declare_outbox_publishers
from services.gateway.projector import Projector, register_projector
from services.gateway.reconciler import Reconciler
from services.gateway.settings import GatewayConfig
from services.gateway.state import GatewayState
from services.gateway.views import Links

logger = logging.getLogger(__name__)

_FINAL_RELAY_SECONDS = 5.0
_TAGS = [
    {"name": "videos", "description": "Upload, list, edit, delete and download videos."},
    {"name": "processing jobs", "description": "The transcode and metadata jobs of uploads."},
    {"name": "operations", "description": "Liveness, readiness and metrics."},
]


class _GatewayApi(FastAPI):
    def openapi(self) -> dict[str, Any]:
        return use_problem_media_type(super().openapi())


def _version() -> str:
    try:
        return metadata.version("echo-video")
    except metadata.PackageNotFoundError:
        return "dev"


def build_state(config: GatewayConfig) -> GatewayState:
    """Every part of the gateway, unconnected."""
    metrics = GatewayMetrics()
    db = Database(config.database)
    settings = config.gateway
    broker = make_broker(config.bus, graceful_timeout=settings.shutdown_grace_seconds)
    relay = OutboxRelay(
        db,
        declare_outbox_publishers(broker),
        config.bus,
        metrics,
        poll_interval_seconds=settings.outbox_poll_interval_seconds,
        batch_size=settings.outbox_batch_size,
    )
    register_projector(broker, Projector(db, relay, metrics), settings, metrics)
    queue = DispatchQueue()
    return GatewayState(
        config=config,
        db=db,
        broker=broker,
        store=LocalBlobStore(config.blobs.blob_root),
        verifier=TokenVerifier(config.auth),
        metrics=metrics,
        links=Links(settings.public_base_url),
        relay=relay,
        reconciler=Reconciler(db, relay, metrics, settings, queue),
        queue=queue,
    )


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: GatewayState = app.state.gateway
    await asyncio.to_thread(state.store.root.mkdir, parents=True, exist_ok=True)
    await state.db.open()
    try:
        connection = await state.broker.connect()
        await declare_streams(connection.jetstream(), state.config.bus.nats_stream_replicas)
        state.queue.attach(connection.jetstream())
        await state.broker.start()
        loops = (state.relay.loop, state.reconciler.loop)
        for loop in loops:
            loop.start()
        logger.info("gateway started")
        try:
            yield
        finally:
            grace = state.config.gateway.shutdown_grace_seconds
            for loop in loops:
                await loop.stop(grace)
            with contextlib.suppress(Exception):  # best effort; the next start publishes the rest
                async with asyncio.timeout(_FINAL_RELAY_SECONDS):
                    await state.relay.relay_pending()
    finally:
        await state.broker.stop()
        await state.db.close()
        logger.info("gateway stopped")


def create_app(config: GatewayConfig | None = None) -> FastAPI:
    """The gateway app; reads the environment now unless given a config."""
    state = build_state(config or GatewayConfig.load())
    app = _GatewayApi(
        title="Echo gateway",
        summary="Upload videos and follow their processing.",
        version=_version(),
        openapi_tags=_TAGS,
        lifespan=_lifespan,
    )
    app.state.gateway = state
    install_error_handlers(app)
    for module in (uploads, videos, jobs, health):
        app.include_router(module.router)
    return app
