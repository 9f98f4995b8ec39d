"""The transactional outbox: events are written with the rows they describe, then relayed.

`enqueue` records an event inside the caller's transaction. `OutboxRelay`
publishes unpublished rows in order with `Nats-Msg-Id` = the row id, and marks
them published. It is woken right after a commit and also polls, so a row left
behind by a crash between commit and publish goes out on the next pass.
"""

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from faststream.nats import NatsBroker
from faststream.nats.publisher.usecase import LogicPublisher
from pydantic import Field, TypeAdapter, ValidationError

from contracts import subjects
from contracts.events import JobStatusChangedEvent, VideoUploadedEvent
from contracts.streams import STATUS, VIDEOS
from services.common.bus import bound_stream, publish_event
from services.common.settings import BusSettings
from services.gateway.db import Connection, Database
from services.gateway.loops import Periodic
from services.gateway.metrics import GatewayMetrics
from services.gateway.repository import jsonb

logger = logging.getLogger(__name__)

OutboxEvent = Annotated[
    VideoUploadedEvent | JobStatusChangedEvent, Field(discriminator="event_type")
]
_EVENT = TypeAdapter[VideoUploadedEvent | JobStatusChangedEvent](OutboxEvent)

# Relays take turns (one batch at a time across replicas): ECHO_STATUS keeps only
# the last message per job, so status events must reach it in the order written.
_RELAY_LOCK = 0x65636801


async def enqueue(
    conn: Connection,
    *,
    outbox_id: str,
    subject: str,
    event: VideoUploadedEvent | JobStatusChangedEvent,
) -> None:
    """Record `event` for publication once the caller's transaction commits.

    Ids are deterministic (`uploaded:<video>`, `status:<job>:v<n>`, ...): writing
    the same one twice keeps the first.
    """
    # clock_timestamp(), not the transaction's start time: a job's next version is written
    # only after the previous one committed, so this orders each job's events correctly.
    await conn.execute(
        "insert into event_outbox (id, subject, payload, created_at)"
        " values (%s, %s, %s, clock_timestamp()) on conflict (id) do nothing",
        (outbox_id, subject, jsonb(event.model_dump(mode="json"))),
    )


@dataclass(frozen=True)
class OutboxPublishers:
    """The gateway's publishers, declared once on its broker (AsyncAPI sees them)."""

    videos: LogicPublisher
    status: LogicPublisher

    def for_event(self, event: VideoUploadedEvent | JobStatusChangedEvent) -> LogicPublisher:
        return self.videos if isinstance(event, VideoUploadedEvent) else self.status


def declare_outbox_publishers(broker: NatsBroker) -> OutboxPublishers:
    return OutboxPublishers(
        videos=broker.publisher(
            subjects.VIDEO_UPLOADED,
            stream=bound_stream(VIDEOS),
            schema=VideoUploadedEvent,
            description="An upload (or a re-dispatch of one of its jobs) to process.",
        ),
        status=broker.publisher(
            subjects.JOB_STATUS,
            stream=bound_stream(STATUS),
            schema=JobStatusChangedEvent,
            description="A job's new recorded state, on echo.status.<owner_id>.<job_id>.",
        ),
    )


class OutboxRelay:
    """Publishes the outbox; `loop` runs it in the background, `wake` nudges it."""

    def __init__(
        self,
        db: Database,
        publishers: OutboxPublishers,
        bus: BusSettings,
        metrics: GatewayMetrics,
        *,
        poll_interval_seconds: float,
        batch_size: int,
    ) -> None:
        self._db = db
        self._publishers = publishers
        self._bus = bus
        self._metrics = metrics
        self._batch_size = batch_size
        self.loop = Periodic("outbox-relay", self.relay_pending, poll_interval_seconds)

    def wake(self) -> None:
        """Publish soon: something was just committed."""
        self.loop.wake()

    async def relay_pending(self) -> int:
        """Publish every unpublished row; returns how many were published."""
        total = 0
        try:
            while True:
                published = await self._relay_batch()
                total += published
                if published < self._batch_size:
                    return total
        finally:
            await self._measure_lag()

    async def _relay_batch(self) -> int:
        published: list[str] = []
        failure: Exception | None = None
        async with self._db.service() as conn:
            await conn.execute("select pg_advisory_xact_lock(%s)", (_RELAY_LOCK,))
            cursor = await conn.execute(
                "select id, subject, payload from event_outbox where published_at is null"
                " order by created_at, id limit %s for update skip locked",
                (self._batch_size,),
            )
            for outbox_id, subject, payload in await cursor.fetchall():
                try:
                    await self._publish(conn, outbox_id, subject, payload)
                except Exception as error:  # mark what went out; the rest waits
                    failure = error
                    break
                published.append(outbox_id)
            if published:
                await conn.execute(
                    "update event_outbox set published_at = now() where id = any(%s)",
                    (published,),
                )
        self._metrics.outbox_published.inc(len(published))
        if failure is not None:
            raise failure
        return len(published)

    async def _publish(self, conn: Connection, outbox_id: str, subject: str, payload: Any) -> None:
        try:
            event = _EVENT.validate_python(payload)
        except ValidationError:
            # Only a hand-edited row can get here; skipping it keeps the rest flowing.
            logger.error("outbox row %s is not a valid event; not published", outbox_id)
            return
        ack = await publish_event(
            self._publishers.for_event(event),
            event,
            msg_id=outbox_id,
            settings=self._bus,
            subject=subject,
        )
        if isinstance(event, VideoUploadedEvent):
            # The reconciler tells a queued dispatch from a lost one by this position.
            await conn.execute(
                "update video_jobs set dispatch_seq = greatest(dispatch_seq, %s)"
                " where id = any(%s)",
                (ack.seq, [job.job_id for job in event.jobs]),
            )

    async def _measure_lag(self) -> None:
        try:
            async with self._db.service() as conn:
                cursor = await conn.execute(
                    "select count(*), extract(epoch from now() - min(created_at))::float8"
                    " from event_outbox where published_at is null"
                )
                row = await cursor.fetchone()
        except Exception:  # a metric is not worth an error of its own
            logger.debug("outbox lag not measured", exc_info=True)
            return
        if row is not None:
            pending, lag = row
            self._metrics.outbox_pending.set(pending)
            self._metrics.outbox_lag.set(lag or 0.0)
