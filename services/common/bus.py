"""The NATS JetStream bus: broker construction, stream declaration, reliable publish.

Pitfalls handled here once for every service (see docs/architecture.md):
handler exceptions nack instead of terminating, reconnects never give up,
publishes wait for JetStream's ack and carry our own `Nats-Msg-Id`.
"""

import asyncio
import logging

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker
from faststream.nats.publisher.usecase import LogicPublisher
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, PubAck, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from pydantic import BaseModel

from contracts.streams import ALL_STREAMS, ConsumerSpec, StreamSpec
from services.common.settings import BusSettings

logger = logging.getLogger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"


def make_broker(settings: BusSettings, *, graceful_timeout: float = 30.0) -> NatsBroker:
    """A broker whose failed handlers nack (retry) and whose connection never gives up."""
    return NatsBroker(
        settings.nats_servers,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        graceful_timeout=graceful_timeout,
    )


def stream_config(spec: StreamSpec, replicas: int) -> StreamConfig:
    """The nats-py configuration of a contract stream, on file storage."""
    return StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=list(spec.subjects),
        retention=RetentionPolicy(spec.retention.value),
        storage=StorageType.FILE,
        num_replicas=replicas,
        max_age=float(spec.max_age_seconds),
        duplicate_window=float(spec.duplicate_window_seconds),
        max_msgs_per_subject=spec.max_msgs_per_subject,
    )


def bound_stream(spec: StreamSpec) -> JStream:
    """A FastStream handle on a stream that `declare_streams` already created."""
    return JStream(spec.name, declare=False)


async def declare_consumer(
    js: JetStreamContext, spec: ConsumerSpec, config: ConsumerConfig
) -> None:
    """Create a durable consumer, or update it to `config`.

    A FastStream subscriber only binds to a durable that exists, so without this
    a changed `ack_wait` or `max_deliver` would never reach a consumer created
    by an earlier release.
    """
    await js.add_consumer(spec.stream, config=config)


async def declare_streams(js: JetStreamContext, replicas: int) -> None:
    """Create or update every Echo stream; safe to call from every replica at startup."""
    for spec in ALL_STREAMS:
        config = stream_config(spec, replicas)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
            logger.info("created stream %s", spec.name)
        else:
            await js.update_stream(config)


def _stream_name(publisher: LogicPublisher) -> str | None:
    stream = getattr(publisher, "stream", None)
    return getattr(stream, "name", None)


async def publish_event(
    publisher: LogicPublisher,
    event: BaseModel,
    *,
    msg_id: str,
    settings: BusSettings,
    subject: str = "",
) -> PubAck:
    """Publish to JetStream and wait until it is stored, retrying with the same id.

    The same `msg_id` on every attempt lets the stream drop a duplicate when an
    earlier attempt was stored but its ack was lost.
    """
    delay = 0.2
    for attempt in range(1, settings.nats_publish_attempts + 1):
        try:
            ack = await publisher.publish(
                event,
                subject=subject,
                headers={MSG_ID_HEADER: msg_id},
                stream=_stream_name(publisher),
                timeout=settings.nats_publish_timeout_seconds,
            )
            if not isinstance(ack, PubAck):
                raise TypeError(f"{publisher} is not bound to a stream; publishes must be stored")
            return ack
        except Exception as error:  # nats raises several unrelated types for one outage
            if attempt == settings.nats_publish_attempts:
                raise
            logger.warning(
                "publish of %s failed (attempt %d): %s", msg_id, attempt, type(error).__name__
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    raise AssertionError("unreachable")
