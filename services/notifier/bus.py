"""The notifier's one NATS connection, which never stops reconnecting."""

import logging

from nats.aio.client import Client as NatsClient

from services.common.bus import declare_streams
from services.common.settings import BusSettings

logger = logging.getLogger(__name__)


async def connect_bus(settings: BusSettings) -> NatsClient:
    """Connect, and make sure Echo's streams exist (the status stream above all)."""
    nc = NatsClient()

    async def on_error(error: Exception) -> None:
        logger.warning("nats error: %s", error)

    async def on_disconnected() -> None:
        if not (nc.is_closed or nc.is_draining):
            logger.warning("disconnected from nats; reconnecting")

    async def on_reconnected() -> None:
        logger.info("reconnected to nats")

    await nc.connect(
        settings.nats_servers,
        name="echo-notifier",
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
    )
    await declare_streams(nc.jetstream(), settings.nats_stream_replicas)
    return nc
