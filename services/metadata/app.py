"""Wiring of the metadata worker: broker, subscriber, startup, HTTP routes."""

from faststream.asgi import AsgiFastStream
from faststream.specification import AsyncAPI

from contracts.streams import METADATA
from services.common.blobs import LocalBlobStore
from services.common.bus import declare_consumer, declare_streams, make_broker
from services.common.settings import BlobSettings, BusSettings
from services.metadata.endpoints import health_routes
from services.metadata.metrics import MetadataMetrics
from services.metadata.settings import MetadataSettings
from services.metadata.subscriber import register_subscriber


def create_app(
    settings: MetadataSettings | None = None,
    *,
    bus: BusSettings | None = None,
    blobs: BlobSettings | None = None,
    metrics: MetadataMetrics | None = None,
) -> AsgiFastStream:
    """The worker as an ASGI app; settings not given are read from the environment now."""
    settings = settings or MetadataSettings()
    bus = bus or BusSettings()
    blobs = blobs or BlobSettings()
    metrics = metrics or MetadataMetrics()
    broker = make_broker(bus)
    store = LocalBlobStore(blobs.blob_root)
    register_subscriber(broker, settings=settings, bus=bus, store=store, metrics=metrics)

    async def declare_echo_streams() -> None:
        # Before the broker starts: its durable consumer needs ECHO_VIDEOS to exist.
        js = (await broker.connect()).jetstream()
        await declare_streams(js, bus.nats_stream_replicas)
        await declare_consumer(js, METADATA, settings.consumer_config(METADATA))

    return AsgiFastStream(
        broker,
        asgi_routes=health_routes(broker, store, metrics),
        on_startup=[declare_echo_streams],
        specification=AsyncAPI(
            title="Echo metadata worker",
            description="Takes the metadata job of each upload; reports it on echo.jobs.metadata.*",
        ),
        asyncapi_path="/asyncapi",
    )
