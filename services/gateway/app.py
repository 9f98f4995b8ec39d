"""Wiring only: settings → parts → FastAPI app, with the broker and background loops in
its lifespan. Streams and consumers are declared by `python -m services.migrate`; the
gateway binds to them and refuses to start when they are missing."""

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from importlib import metadata
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from contracts.streams import PROJECTOR
from services.common.auth import TokenVerifier
from services.common.blobs import LocalBlobStore
from services.common.bus import make_broker, require_consumer
from services.gateway.api import jobs, me, media, operations, tus, uploads, videos
from services.gateway.api.problems import install_error_handlers, use_problem_media_type
from services.gateway.api.resumable import ResumableUploads
from services.gateway.api.signing import MediaSigner
from services.gateway.api.tus_protocol import EXPOSED_HEADERS, REQUEST_HEADERS
from services.gateway.api.views import Links
from services.gateway.db.pool import Database
from services.gateway.metrics import GatewayMetrics
from services.gateway.parts import GatewayParts
from services.gateway.pipeline.loops import Periodic
from services.gateway.pipeline.outbox import OutboxRelay, declare_outbox_publishers
from services.gateway.pipeline.progress import ProgressSampler, register_progress_sampler
from services.gateway.pipeline.projector import Projector, register_projector
from services.gateway.pipeline.reconciler import Reconciler
from services.gateway.settings import GatewayConfig, GatewaySettings
from services.gateway.storage import Storage

logger = logging.getLogger(__name__)

_FINAL_FLUSH_SECONDS = 5.0
_TAGS = [
    {"name": "videos", "description": "Upload, list, edit, delete and download videos."},
    {"name": "uploads", "description": "Resumable uploads (tus 1.0)."},
    {"name": "processing jobs", "description": "The transcode and metadata jobs of uploads."},
    {"name": "playback", "description": "A video's files through signed URLs (no headers)."},
    {"name": "account", "description": "The signed-in user."},
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


def build_parts(config: GatewayConfig) -> GatewayParts:
    """Every part of the gateway, unconnected."""
    settings = config.gateway
    metrics = GatewayMetrics()
    db = Database(config.database)
    broker = make_broker(config.bus, graceful_timeout=settings.shutdown_grace_seconds)
    relay = OutboxRelay(
        db,
        declare_outbox_publishers(broker),
        config.bus,
        metrics,
        poll_interval_seconds=settings.outbox_poll_interval_seconds,
        batch_size=settings.outbox_batch_size,
    )
    register_projector(
        broker, Projector(db, relay, metrics), metrics, settings.projector_retry_delay_seconds
    )
    sampler = ProgressSampler(db, metrics, settings.progress_flush_interval_seconds)
    register_progress_sampler(broker, sampler)
    store = LocalBlobStore(config.blobs.blob_root)
    storage = Storage(store)
    resumable = ResumableUploads(db, storage, settings, relay.wake)
    return GatewayParts(
        config=config,
        db=db,
        broker=broker,
        store=store,
        storage=storage,
        signer=_signer(settings),
        uploads=resumable,
        sweeper=Periodic(
            "upload-sweeper", resumable.sweep_expired, settings.upload_sweep_interval_seconds
        ),
        verifier=TokenVerifier(config.auth),
        metrics=metrics,
        links=Links(settings.public_base_url),
        relay=relay,
        sampler=sampler,
        reconciler=Reconciler(db, relay, metrics, settings),
    )


def _signer(settings: GatewaySettings) -> MediaSigner:
    if settings.signing_key is None:  # development only (settings refuse it otherwise)
        logger.warning("no ECHO_GATEWAY_SIGNING_KEY: playback URLs last until this process ends")
        return MediaSigner(secrets.token_bytes(32))
    previous = settings.signing_key_previous
    return MediaSigner(
        settings.signing_key.get_secret_value().encode(),
        previous.get_secret_value().encode() if previous else None,
    )


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the route names (`videos_list`), so generated clients read well."""
    return route.name


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    parts: GatewayParts = app.state.gateway
    await asyncio.to_thread(parts.store.root.mkdir, parents=True, exist_ok=True)
    await parts.db.open()
    try:
        connection = await parts.broker.connect()
        js = connection.jetstream()
        await require_consumer(js, PROJECTOR)
        parts.reconciler.attach(js)
        await parts.broker.start()
        parts.relay.attach(js)
        loops = (parts.relay.loop, parts.sampler.loop, parts.reconciler.loop, parts.sweeper)
        for loop in loops:
            loop.start()
        logger.info("gateway started")
        try:
            yield
        finally:
            grace = parts.config.gateway.shutdown_grace_seconds
            for loop in loops:
                await loop.stop(grace)
            # Best effort; what is left is published by the next start (outbox) or
            # superseded by the next tick (progress).
            with contextlib.suppress(Exception):
                async with asyncio.timeout(_FINAL_FLUSH_SECONDS):
                    await parts.sampler.flush()
                    await parts.relay.relay_pending()
    finally:
        await parts.broker.stop()
        await parts.db.close()
        logger.info("gateway stopped")


def create_app(config: GatewayConfig | None = None) -> FastAPI:
    """The gateway app; reads the environment now unless given a config."""
    parts = build_parts(config or GatewayConfig.load())
    app = _GatewayApi(
        title="Echo gateway",
        summary="Upload videos and follow their processing.",
        version=_version(),
        openapi_tags=_TAGS,
        lifespan=_lifespan,
        generate_unique_id_function=_operation_id,
        # Problems omit unset fields: an output schema marking defaulted fields required
        # would contradict every response.
        separate_input_output_schemas=False,
    )
    app.state.gateway = parts
    install_error_handlers(app)
    for module in (uploads, tus, videos, jobs, media, me, operations):
        app.include_router(module.router)
    origins = parts.config.gateway.cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Range", *REQUEST_HEADERS],
            expose_headers=[*EXPOSED_HEADERS, "Content-Range", "Accept-Ranges", "Content-Length"],
            max_age=600,
        )
    return app
