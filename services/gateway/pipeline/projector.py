"""The projector: worker state events → Postgres, idempotently.

Bound to the durable consumer `contracts.streams.PROJECTOR` (state events only;
commands and progress never reach it). Each event is applied in one transaction
that also records its `event_id` (`projected_events`), so a redelivered or
duplicated event changes nothing. Events about unknown jobs, or whose owner,
video or kind disagree with the job row, are logged and acked: retrying cannot
make them right. A message that is not a state event is rejected (JetStream's
advisory puts it in ECHO_DEAD_LETTERS). A database error nacks with a delay;
JetStream redelivers up to `max_deliver` times, and the reconciler takes over a
job whose events were lost for good.
"""

import logging
from enum import StrEnum
from typing import Any

import psycopg
from faststream.exceptions import NackMessage, RejectMessage
from faststream.nats import NatsBroker, PullSub
from faststream.nats.message import NatsMessage
from pydantic import TypeAdapter, ValidationError

from contracts import subjects
from contracts.events import JobCompletedEvent, JobStateChange, MetadataResult, WorkerStateEvent
from contracts.streams import JOBS, PROJECTOR
from services.common.bus import bound_stream
from services.common.logging import log_context
from services.gateway.db import jobs, metadata, projected, videos
from services.gateway.db.pool import Connection, Database
from services.gateway.metrics import GatewayMetrics
from services.gateway.pipeline.changes import record_change
from services.gateway.pipeline.lifecycle import apply_event
from services.gateway.pipeline.outbox import OutboxRelay

logger = logging.getLogger(__name__)

_EVENT = TypeAdapter[JobStateChange](WorkerStateEvent)


class Outcome(StrEnum):
    """What projecting one event did (a metrics label)."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    INVALID = "invalid"


class Projector:
    """Applies worker state events to the job rows, their videos and the outbox."""

    def __init__(self, db: Database, relay: OutboxRelay, metrics: GatewayMetrics) -> None:
        self._db = db
        self._relay = relay
        self._metrics = metrics

    async def project(self, event: JobStateChange) -> Outcome:
        """Apply `event` once; safe to call again with the same event."""
        async with self._db.service() as conn:
            outcome = await self._apply(conn, event)
        if outcome is Outcome.APPLIED:
            self._relay.wake()
        self._metrics.projected_events.labels(event.event_type, outcome.value).inc()
        return outcome

    async def _apply(self, conn: Connection, event: JobStateChange) -> Outcome:
        if not await projected.first_projection(conn, event.event_id):
            return Outcome.DUPLICATE
        video = await videos.lock_video(conn, event.video_id)
        job = await jobs.lock_job(conn, event.job_id) if video is not None else None
        if video is None or job is None:
            logger.warning("%s for an unknown job (deleted video?); ignored", event.event_type)
            return Outcome.IGNORED
        if (job.video_id, job.owner_id, job.kind) != (event.video_id, event.owner_id, event.kind):
            logger.warning(
                "%s disagrees with the job's video, owner or kind; ignored", event.event_type
            )
            return Outcome.IGNORED
        if isinstance(event, JobCompletedEvent) and event.result.kind is not job.kind:
            logger.warning(
                "a %s job completed with a %s result; ignored", job.kind, event.result.kind
            )
            return Outcome.IGNORED
        if not isinstance(event, JobCompletedEvent) and event.attempt <= (
            await jobs.last_retried_attempt(conn, job.id)
        ):
            logger.info("%s of attempt %d, since retried; ignored", event.event_type, event.attempt)
            return Outcome.IGNORED
        changed = apply_event(job, event)
        if changed == job:
            if not job.status.is_terminal:
                await jobs.touch_job(conn, job.id)
            return Outcome.UNCHANGED
        await record_change(conn, video, changed)
        if isinstance(event, JobCompletedEvent) and isinstance(event.result, MetadataResult):
            poster = event.result.poster
            await metadata.upsert_metadata(
                conn, job.video_id, job.owner_id, event.result.probe, poster.key if poster else None
            )
        return Outcome.APPLIED


def register_projector(
    broker: NatsBroker, projector: Projector, metrics: GatewayMetrics, retry_delay_seconds: float
) -> None:
    """Bind the projector to its durable consumer (declared by `python -m services.migrate`)."""

    async def decode(message: NatsMessage) -> Any:
        # A body that is no state event can never become one: reject it at once (dead
        # letter) instead of letting every redelivery fail validation again.
        try:
            return _EVENT.validate_json(message.body)
        except ValidationError as error:
            logger.error(
                "message on %s is not a state event: %s", message.raw_message.subject, error
            )
            metrics.projected_events.labels("unknown", Outcome.INVALID.value).inc()
            raise RejectMessage() from error

    @broker.subscriber(
        subjects.JOBS,
        stream=bound_stream(JOBS),
        durable=PROJECTOR.durable,
        pull_sub=PullSub(batch_size=1),
        decoder=decode,
        title="gateway-projector",
        description="Projects worker state events (echo.jobs.<kind>.<started|completed|failed>, "
        "the consumer's filters) into Postgres and records the resulting status changes.",
    )
    async def on_state_event(event: WorkerStateEvent) -> None:
        with log_context(video_id=event.video_id, job_id=event.job_id):
            try:
                await projector.project(event)
            except psycopg.Error as error:
                logger.warning("%s not projected (%s); retrying", event.event_type, error)
                raise NackMessage(delay=retry_delay_seconds) from error

    _ = on_state_event  # registered on the broker by the decorator
