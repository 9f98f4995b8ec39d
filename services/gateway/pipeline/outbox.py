"""The outbox relay: messages written with the rows they describe are published after commit.

`db.outbox.enqueue` records a message inside the caller's transaction. The relay
publishes unpublished rows in order, with `Nats-Msg-Id` = the row id, and marks
them published. Before a `VideoDeletedEvent` goes out, the relay purges each of the
video's jobs' subjects from `ECHO_STATUS` (the fact promises they are gone); relays
take turns, so no status of those jobs can be published after the purge.

The relay is woken right after a commit and also polls, so a row left behind by a
crash between commit and publish goes out on the next pass.
"""

import logging
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from faststream.nats import NatsBroker
from faststream.nats.publisher.usecase import LogicPublisher
from nats.js import JetStreamContext
from pydantic import Field, TypeAdapter, ValidationError

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import (
    JobCancelCommand,
    JobCancelReason,
    JobRequestedCommand,
    JobStatusChangedEvent,
    VideoDeletedEvent,
    VideoUploadedEvent,
)
from contracts.media import BlobRef
from contracts.streams import JOBS, STATUS, VIDEOS
from services.common.bus import bound_stream, command_msg_id, publish_event
from services.common.settings import BusSettings
from services.gateway.db import outbox
from services.gateway.db.locks import Duty, take_turn
from services.gateway.db.pool import Connection, Database
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.metrics import GatewayMetrics
from services.gateway.pipeline.loops import Periodic

logger = logging.getLogger(__name__)

OutboxMessage = (
    VideoUploadedEvent
    | VideoDeletedEvent
    | JobRequestedCommand
    | JobCancelCommand
    | JobStatusChangedEvent
)
_MESSAGE = TypeAdapter[OutboxMessage](Annotated[OutboxMessage, Field(discriminator="event_type")])


@dataclass(frozen=True)
class OutboxPublishers:
    """The gateway's publishers, declared once on its broker (AsyncAPI sees them)."""

    uploaded: LogicPublisher
    deleted: LogicPublisher
    commands: dict[JobKind, LogicPublisher]
    cancels: dict[JobKind, LogicPublisher]
    status: LogicPublisher

    def for_message(self, message: OutboxMessage) -> LogicPublisher:
        match message:
            case VideoUploadedEvent():
                return self.uploaded
            case VideoDeletedEvent():
                return self.deleted
            case JobRequestedCommand():
                return self.commands[message.kind]
            case JobCancelCommand():
                return self.cancels[message.kind]
            case JobStatusChangedEvent():
                return self.status


def declare_outbox_publishers(broker: NatsBroker) -> OutboxPublishers:
    return OutboxPublishers(
        uploaded=broker.publisher(
            subjects.VIDEO_UPLOADED,
            stream=bound_stream(VIDEOS),
            schema=VideoUploadedEvent,
            title="video-uploaded",
            description="An upload was stored and its jobs recorded (a fact for any subscriber).",
        ),
        deleted=broker.publisher(
            subjects.VIDEO_DELETED,
            stream=bound_stream(VIDEOS),
            schema=VideoDeletedEvent,
            title="video-deleted",
            description="A video, its rows and files were deleted; its jobs' statuses are "
            "purged from ECHO_STATUS before this is published.",
        ),
        cancels={
            kind: broker.publisher(
                subjects.job_cancels(kind),
                stream=bound_stream(JOBS),
                schema=JobCancelCommand,
                title=f"{kind.value}-cancel",
                description=f"Stop a {kind.value} job and write nothing more, on "
                f"echo.jobs.{kind.value}.cancel.<job_id>.",
            )
            for kind in JobKind
        },
        commands={
            kind: broker.publisher(
                subjects.job_requested(kind),
                stream=bound_stream(JOBS),
                schema=JobRequestedCommand,
                title=f"{kind.value}-requested",
                description=f"Run a {kind.value} job: one command per job and dispatch attempt.",
            )
            for kind in JobKind
        },
        status=broker.publisher(
            subjects.JOB_STATUS,
            stream=bound_stream(STATUS),
            schema=JobStatusChangedEvent,
            title="job-status",
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
        self._js: JetStreamContext | None = None
        self.loop = Periodic("outbox-relay", self.relay_pending, poll_interval_seconds)

    def attach(self, js: JetStreamContext) -> None:
        """The JetStream context status purges go through (set once connected)."""
        self._js = js

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
            await self._measure_backlog()

    async def _relay_batch(self) -> int:
        published: list[str] = []
        failure: Exception | None = None
        async with self._db.service() as conn:
            # Relays take turns (one batch at a time across replicas): ECHO_STATUS keeps
            # only the last message per job, so status events must reach it in order.
            await take_turn(conn, Duty.OUTBOX_RELAY)
            for row in await outbox.claim_unpublished(conn, self._batch_size):
                try:
                    await self._publish(row.id, row.subject, row.payload)
                except Exception as error:  # mark what went out; the rest waits
                    failure = error
                    break
                published.append(row.id)
            if published:
                await outbox.mark_published(conn, published)
        self._metrics.outbox_published.inc(len(published))
        if failure is not None:
            raise failure
        return len(published)

    async def _publish(self, outbox_id: str, subject: str, payload: Any) -> None:
        try:
            message = _MESSAGE.validate_python(payload)
        except ValidationError:
            # Only a hand-edited row can get here; skipping it keeps the rest flowing.
            logger.error("outbox row %s is not a valid message; not published", outbox_id)
            return
        if isinstance(message, VideoDeletedEvent):
            await self._purge_statuses(message)
        await publish_event(
            self._publishers.for_message(message),
            message,
            msg_id=outbox_id,
            settings=self._bus,
            subject=subject,
        )

    async def _purge_statuses(self, deleted: VideoDeletedEvent) -> None:
        """Remove the retained status of each of the video's jobs (a subject-filtered purge),
        so a reconnecting client is never told about them again."""
        if self._js is None:
            raise RuntimeError("the relay is not attached to JetStream yet")
        for job_id in deleted.job_ids:
            await self._js.purge_stream(
                STATUS.name, subject=subjects.job_status(deleted.owner_id, job_id)
            )

    async def _measure_backlog(self) -> None:
        try:
            async with self._db.service() as conn:
                pending, lag = await outbox.backlog(conn)
        except Exception:  # a metric is not worth an error of its own
            logger.debug("outbox backlog not measured", exc_info=True)
            return
        self._metrics.outbox_pending.set(pending)
        self._metrics.outbox_lag.set(lag)


def source_of(video: VideoRecord) -> BlobRef:
    """The uploaded file of `video`, as messages refer to it."""
    return BlobRef(
        key=video.source_key,
        size_bytes=video.size_bytes,
        sha256=video.checksum_sha256,
        content_type=video.content_type,
    )


async def enqueue_command(
    conn: Connection, video: VideoRecord, job_id: UUID, kind: JobKind, attempt: int
) -> None:
    """Record the command asking a worker of `kind` to run the job, for publication;
    a re-dispatch is the same command with the next attempt (`Nats-Msg-Id` = both)."""
    command = JobRequestedCommand(
        video_id=video.id,
        owner_id=video.owner_id,
        job_id=job_id,
        kind=kind,
        attempt=attempt,
        source=source_of(video),
        original_filename=video.original_filename,
    )
    await outbox.enqueue(
        conn,
        outbox_id=command_msg_id(job_id, attempt),
        subject=subjects.job_requested(kind),
        message=command,
    )


async def enqueue_cancel(conn: Connection, job: JobRecord, reason: JobCancelReason) -> None:
    """Record the command telling the job's worker to stop (`attempt`: its last dispatch).

    One per job and attempt; a worker also reads the last one on the job's subject
    before it starts or finishes that attempt.
    """
    command = JobCancelCommand(
        video_id=job.video_id,
        owner_id=job.owner_id,
        job_id=job.id,
        kind=job.kind,
        attempt=job.dispatch_count,
        reason=reason,
    )
    await outbox.enqueue(
        conn,
        outbox_id=f"job:{job.id}:cancel:{job.dispatch_count}",
        subject=subjects.job_cancel(job.kind, job.id),
        message=command,
    )
