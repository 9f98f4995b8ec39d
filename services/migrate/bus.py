"""Declaring every stream and durable consumer, and retiring what an older release used.

Consumers are created or updated to the tuning their owner reads from the environment
(`ECHO_TRANSCODER_ACK_WAIT_SECONDS`, `ECHO_GATEWAY_PROJECTOR_MAX_DELIVER`, ...), so a
changed setting reaches a consumer that already exists.
"""

import logging

from nats.js import JetStreamContext

from contracts.enums import JobKind
from contracts.streams import ALL_CONSUMERS, PROJECTOR, WORKERS, ConsumerSpec
from services.common.bus import ConsumerTuning, declare_consumer, declare_streams
from services.common.settings import WORKER_ENV_PREFIXES
from services.gateway.settings import ProjectorTuning
from services.migrate.legacy import retire_legacy_dispatch_consumers

logger = logging.getLogger(__name__)


def consumer_tunings() -> list[tuple[ConsumerSpec, ConsumerTuning]]:
    """Every durable consumer with the tuning its owner configured."""
    tunings: list[tuple[ConsumerSpec, ConsumerTuning]] = [
        (WORKERS[kind], ConsumerTuning(_env_prefix=WORKER_ENV_PREFIXES[kind])) for kind in JobKind
    ]
    tunings.append((PROJECTOR, ProjectorTuning()))
    assert {spec.durable for spec, _ in tunings} == {spec.durable for spec in ALL_CONSUMERS}
    return tunings


async def migrate_bus(js: JetStreamContext, replicas: int) -> None:
    """Create or update every stream and consumer; convert an older release's dispatches."""
    await declare_streams(js, replicas)
    for spec, tuning in consumer_tunings():
        await declare_consumer(js, spec, tuning)
        logger.info("declared consumer %s on %s", spec.durable, spec.stream)
    await retire_legacy_dispatch_consumers(js)
