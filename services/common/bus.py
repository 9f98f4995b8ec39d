"""The NATS JetStream bus: broker construction, stream and consumer declaration, reliable
publish.

Pitfalls handled here once for every service (see docs/architecture.md):
handler exceptions nack instead of terminating, reconnects never give up,
publishes wait for JetStream's ack and carry our own `Nats-Msg-Id`, every durable
consumer is fully specified (never the server's defaults). Streams and consumers
are declared by one step, `python -m services.migrate`; services only bind.
"""

import asyncio
import logging
from uuid import UUID

from faststream import AckPolicy
from faststream.nats import JStream, NatsBroker
from faststream.nats.publisher.usecase import LogicPublisher
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy as ConsumerAckPolicy,
)
from nats.js.api import (
    ConsumerConfig,
    ConsumerInfo,
    PubAck,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.streams import ALL_STREAMS, ConsumerSpec, StreamSpec
from contracts.subjects import JobStateEvent
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
        storage=StorageType(spec.storage.value),
        num_replicas=replicas,
        max_age=float(spec.max_age_seconds),
        duplicate_window=float(spec.duplicate_window_seconds),
        max_msgs_per_subject=spec.max_msgs_per_subject,
    )


def bound_stream(spec: StreamSpec) -> JStream:
    """A FastStream handle on a stream that `declare_streams` already created."""
    return JStream(spec.name, declare=False)


class ConsumerTuning(BaseSettings):
    """How a durable consumer redelivers. Its owner reads it under its own env prefix
    (`ECHO_TRANSCODER_ACK_WAIT_SECONDS`, `ECHO_GATEWAY_PROJECTOR_MAX_DELIVER`, ...), and so
    does `python -m services.migrate`, which applies it."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    ack_wait_seconds: float = Field(
        default=60, gt=0, description="JetStream redelivers a message not acked for this long."
    )
    max_deliver: int = Field(default=5, ge=1, description="Deliveries of one message at most.")
    max_ack_pending: int = Field(
        default=64, ge=1, description="Messages in flight across all replicas of the consumer."
    )

    def consumer_config(self, spec: ConsumerSpec) -> ConsumerConfig:
        """The durable consumer `spec`, fully specified (never the server's defaults)."""
        return ConsumerConfig(
            durable_name=spec.durable,
            filter_subjects=list(spec.filter_subjects),
            ack_policy=ConsumerAckPolicy.EXPLICIT,
            ack_wait=self.ack_wait_seconds,
            max_deliver=self.max_deliver,
            max_ack_pending=self.max_ack_pending,
        )


class BusNotMigratedError(RuntimeError):
    """A stream or consumer a service binds to does not exist: the migrate step has not run."""


async def declare_consumer(
    js: JetStreamContext, spec: ConsumerSpec, tuning: ConsumerTuning
) -> None:
    """Create the durable consumer `spec`, or update it to `tuning` and its filter.

    Updating matters: a subscriber only binds to a durable that exists, so without
    this a changed `ack_wait` or `max_deliver` would never reach a consumer created
    by an earlier release.
    """
    await js.add_consumer(spec.stream, config=tuning.consumer_config(spec))


async def require_consumer(js: JetStreamContext, spec: ConsumerSpec) -> ConsumerInfo:
    """The consumer a service is about to bind to; `BusNotMigratedError` when it is missing."""
    try:
        info: ConsumerInfo = await js.consumer_info(spec.stream, spec.durable)
    except NotFoundError as error:
        raise BusNotMigratedError(
            f"consumer {spec.durable} of stream {spec.stream} does not exist; "
            "run `python -m services.migrate` first"
        ) from error
    return info


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


def command_msg_id(job_id: UUID, attempt: int) -> str:
    """The `Nats-Msg-Id` of a job's command: one per job and dispatch attempt."""
    return f"job:{job_id}:requested:{attempt}"


def state_event_msg_id(job_id: UUID, attempt: int, delivery: int, name: JobStateEvent) -> str:
    """The `Nats-Msg-Id` of a worker's state event: one per job, attempt, delivery and event.

    The id only has to make a retried publish of the same event idempotent. Anything
    coarser drops real news: a redelivered job's `started` (a worker did start it again),
    or a re-dispatched job's `completed` inside the duplicate window. The projector, not
    the stream, decides what an event changes.
    """
    return f"job:{job_id}:{attempt}:{delivery}:{name.value}"


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
