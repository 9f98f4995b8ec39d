"""The notifier's one NATS connection, which never stops reconnecting.

The notifier declares nothing: `python -m services.migrate` creates the streams. Until
it has run, readiness fails and every connection is refused as `bus_unavailable`.
"""

import logging

from nats.aio.client import Client as NatsClient

from contracts.streams import STATUS
from services.common.settings import BusSettings

logger = logging.getLogger(__name__)


async def connect_bus(settings: BusSettings) -> NatsClient:
    """Connect; nats-py then reconnects forever and restores subscriptions."""
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
    return nc


async def bus_ready(nc: NatsClient | None) -> bool:
    """Connected, and `ECHO_STATUS` (what every feed reads) exists; raises when it does not.

    Progress needs no stream on this side: the notifier reads it with a core subscription.
    """
    if nc is None or not nc.is_connected:
        return False
    await nc.jetstream().stream_info(STATUS.name)
    return True
