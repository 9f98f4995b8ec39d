"""The projector: worker job events → Postgres, idempotently.

Each event is applied in one transaction that also records its `event_id`
(`projected_events`), so a redelivered or duplicated event changes nothing.
Events about unknown jobs, or whose owner, video or kind disagree with the job
row, are logged and acked: retrying cannot make them right. A database error
nacks with a delay; JetStream redelivers up to `max_deliver` times, and the
reconciler takes over a job whose events were lost for good.
"""

import logging
from enum import StrEnum

import psycopg
from faststream.exceptions import NackMessage, RejectMessage
from faststream.nats import NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage
from pydantic import TypeAdapter, ValidationError

from contracts.events import JobCompletedEvent, MetadataResult, WorkerJobEvent
from contracts.streams import GATEWAY_PROJECTOR, JOBS
from services.common.bus import bound_stream
from services.common.logging import log_context
from services.gateway.db import Connection, Database
from services.gateway.job_state import (
    JobState,
    WorkerEvent,
    apply_event,
    lock_job,
    lock_video,
    record_change,
    touch,
)
from services.gateway.metrics import GatewayMetrics
from services.gateway.outbox import OutboxRelay
from services.gateway.repository import JobRecord, jsonb
from services.gateway.settings import GatewaySettings

logger = logging.getLogger(__name__)

_EVENT = TypeAdapter[WorkerEvent](WorkerJobEvent)


class Outcome(StrEnum):
    """What projecting one event did (a metrics label)."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    INVALID = "invalid"


class Projector:
    """Applies worker job events to the job rows, their videos and the outbox."""

    def __init__(self, db: Database, relay: OutboxRelay, metrics: GatewayMetrics) -> None:
        self._db = db
        self._relay = relay
        self._metrics = metrics

    async def project(self, event: WorkerEvent) -> Outcome:
        """Apply `event` once; safe to call again with the same event."""
        async with self._db.service() as conn:
            outcome = await self._apply(conn, event)
        if outcome is Outcome.APPLIED:
            self._relay.wake()
        self._metrics.projected_events.labels(event.event_type, outcome.value).inc()
        return outcome

    async def _apply(self, conn: Connection, event: WorkerEvent) -> Outcome:
        cursor = await conn.execute(
            "insert into projected_events (event_id) values (%s) on conflict do nothing",
            (event.event_id,),
        )
        if cursor.rowcount == 0:
            return Outcome.DUPLICATE
        video = await lock_video(conn, event.video_id)
        job = await lock_job(conn, event.job_id) if video is not None else None
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
        state = JobState.of(job)
        new_state = apply_event(state, event)
        if new_state == state:
            if not job.status.is_terminal:
                await touch(conn, job.id)
            return Outcome.UNCHANGED
        await record_change(conn, video, job, new_state)
        if isinstance(event, JobCompletedEvent) and isinstance(event.result, MetadataResult):
            await _store_metadata(conn, job, event.result)
        return Outcome.APPLIED


async def _store_metadata(conn: Connection, job: JobRecord, result: MetadataResult) -> None:
    probe = result.probe
    video, audio = probe.video, probe.audio
    await conn.execute(
        "insert into video_metadata (video_id, owner_id, container_format, duration_seconds,"
        " size_bytes, bit_rate, video_codec, width, height, frame_rate, audio_codec,"
        " audio_channels, audio_sample_rate, probe, poster_key)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " on conflict (video_id) do update set container_format = excluded.container_format,"
        " duration_seconds = excluded.duration_seconds, size_bytes = excluded.size_bytes,"
        " bit_rate = excluded.bit_rate, video_codec = excluded.video_codec,"
        " width = excluded.width, height = excluded.height, frame_rate = excluded.frame_rate,"
        " audio_codec = excluded.audio_codec, audio_channels = excluded.audio_channels,"
        " audio_sample_rate = excluded.audio_sample_rate, probe = excluded.probe,"
        " poster_key = excluded.poster_key, updated_at = now()",
        (
            job.video_id,
            job.owner_id,
            probe.container_format,
            probe.duration_seconds,
            probe.size_bytes,
            probe.bit_rate,
            video.codec if video else None,
            video.display_width if video else None,
            video.display_height if video else None,
            video.frame_rate if video else None,
            audio.codec if audio else None,
            audio.channels if audio else None,
            audio.sample_rate if audio else None,
            jsonb(probe.model_dump(mode="json")),
            result.poster.key if result.poster else None,
        ),
    )


def register_projector(
    broker: NatsBroker, projector: Projector, settings: GatewaySettings, metrics: GatewayMetrics
) -> None:
    """Subscribe the projector to every worker job event (durable, pull, batch 1)."""

    @broker.subscriber(
        GATEWAY_PROJECTOR.filter_subject,
        stream=bound_stream(JOBS),
        durable=GATEWAY_PROJECTOR.durable,
        pull_sub=PullSub(batch_size=1),
        config=settings.projector_consumer_config(),
        title="gateway-projector",
        description="Applies worker job events (started, progress, completed, failed) to "
        "Postgres and publishes the resulting job status changes.",
    )
    async def on_job_event(message: NatsMessage) -> None:
        try:
            event = _EVENT.validate_json(message.body)
        except ValidationError as error:
            logger.error(
                "job event on %s is not a valid contract: %s", message.raw_message.subject, error
            )
            metrics.projected_events.labels("unknown", Outcome.INVALID.value).inc()
            raise RejectMessage() from error
        with log_context(video_id=event.video_id, job_id=event.job_id):
            try:
                await projector.project(event)
            except psycopg.Error as error:
                logger.warning("%s not projected (%s); retrying", event.event_type, error)
                raise NackMessage(delay=settings.projector_retry_delay_seconds) from error

    _ = on_job_event  # registered on the broker by the decorator
