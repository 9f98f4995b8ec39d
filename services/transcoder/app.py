"""Wiring of the transcoder: broker, subscriber, startup declarations, HTTP endpoints."""

import asyncio
import logging

from faststream.asgi import AsgiFastStream
from prometheus_client import make_asgi_app

from contracts.streams import TRANSCODER
from services.common.blobs import LocalBlobStore
from services.common.bus import declare_consumer, declare_streams, make_broker
from services.common.settings import BlobSettings, BusSettings
from services.transcoder.health import liveness, readiness
from services.transcoder.metrics import TranscoderMetrics
from services.transcoder.settings import TranscoderSettings
from services.transcoder.subscriber import register_transcoder

logger = logging.getLogger(__name__)


def create_app(
    settings: TranscoderSettings | None = None,
    bus: BusSettings | None = None,
    blobs: BlobSettings | None = None,
) -> AsgiFastStream:
    """The transcoder as an ASGI app; settings not given are read from the environment."""
    settings = settings or TranscoderSettings()
    bus = bus or BusSettings()
    blobs = blobs or BlobSettings()
    broker = make_broker(bus, graceful_timeout=settings.graceful_timeout_seconds)
    store = LocalBlobStore(blobs.blob_root)
    metrics = TranscoderMetrics.create()
    work = register_transcoder(broker, settings=settings, bus=bus, store=store, metrics=metrics)

    async def declare_streams_and_consumer() -> None:
        # Runs before the subscriber starts: its durable consumer needs the stream.
        js = (await broker.connect()).jetstream()
        await declare_streams(js, bus.nats_stream_replicas)
        await declare_consumer(js, TRANSCODER, settings.consumer_config(TRANSCODER))

    async def let_interrupted_job_clean_up() -> None:
        # A job cancelled by the shutdown stops at its next frame and removes its staged
        # file; uvicorn ends the process right after this hook, threads or not.
        if not await asyncio.to_thread(work.wait_idle, settings.graceful_timeout_seconds):
            logger.warning("a transcode thread is still running at exit")

    return AsgiFastStream(
        broker,
        asgi_routes=[
            ("/healthz", liveness()),
            ("/readyz", readiness(broker, store)),
            ("/metrics", make_asgi_app(metrics.registry)),
        ],
        on_startup=[declare_streams_and_consumer],
        after_shutdown=[let_interrupted_job_clean_up],
    )
