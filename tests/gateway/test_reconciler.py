"""The reconciler re-dispatches silent jobs, then fails them as stalled; queued jobs wait."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import NotFoundError

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.events import JobStatusChangedEvent, VideoUploadedEvent
from contracts.streams import TRANSCODER
from tests.gateway.builders import metadata_completed
from tests.gateway.conftest import StartGateway, job_ids, publish_job_event
from tests.support.bus import eventually, msg_id, stream_messages

FAST = {
    "reconciler_interval_seconds": 0.2,
    "reconciler_pending_deadline_seconds": 2.0,
    "reconciler_processing_deadline_seconds": 2.0,
    "reconciler_max_dispatches": 2,
}


@contextlib.asynccontextmanager
async def transcoder_consumer(js: JetStreamContext) -> AsyncIterator[None]:
    """The transcoder's durable consumer, as a worker would create it."""
    with contextlib.suppress(NotFoundError):
        await js.delete_consumer(TRANSCODER.stream, TRANSCODER.durable)
    await js.add_consumer(
        TRANSCODER.stream,
        ConsumerConfig(
            durable_name=TRANSCODER.durable,
            filter_subject=TRANSCODER.filter_subject,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=3600,
        ),
    )
    try:
        yield
    finally:
        await js.delete_consumer(TRANSCODER.stream, TRANSCODER.durable)


@contextlib.asynccontextmanager
async def silent_transcoder(js: JetStreamContext) -> AsyncIterator[None]:
    """A transcoder that takes every dispatch and then never reports (a hung worker)."""
    async with transcoder_consumer(js):
        subscription = await js.pull_subscribe_bind(TRANSCODER.durable, stream=TRANSCODER.stream)

        async def swallow() -> None:
            while True:
                with contextlib.suppress(TimeoutError):
                    await subscription.fetch(1, timeout=0.5)

        task = asyncio.create_task(swallow())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await subscription.unsubscribe()


async def test_a_silent_job_is_redispatched_then_failed_as_stalled(
    start_gateway: StartGateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    async with silent_transcoder(jetstream), start_gateway(**FAST) as gateway:
        upload = await gateway.upload_ok(token)
        ids = job_ids(upload)
        transcode = ids[JobKind.TRANSCODE]
        # The metadata worker answers at once; the transcoder never does.
        await publish_job_event(jetstream, metadata_completed(upload, blob_root))

        async def redispatched() -> VideoUploadedEvent | None:
            for message in await stream_messages(jetstream, "ECHO_VIDEOS"):
                if msg_id(message) == f"dispatch:{transcode}:2":
                    return VideoUploadedEvent.model_validate_json(message.data or b"")
            return None

        event = await eventually(redispatched, within=15, what="re-dispatch in ECHO_VIDEOS")
        assert event.dispatch_attempt == 2
        assert [(job.job_id, job.kind) for job in event.jobs] == [(transcode, JobKind.TRANSCODE)]
        assert event.video_id == uuid.UUID(upload["video"]["id"])
        assert event.owner_id == user_id
        assert event.source.key == f"videos/{user_id}/{event.video_id}/source"
        assert event.source.sha256 == upload["video"]["checksum_sha256"]

        async def stalled() -> JobStatusChangedEvent | None:
            message = await jetstream.get_last_msg(
                "ECHO_STATUS", subjects.job_status(user_id, transcode)
            )
            status = JobStatusChangedEvent.model_validate_json(message.data or b"")
            return status if status.status is ProcessingStatus.FAILED else None

        status = await eventually(stalled, within=15, what="stalled status event")
        assert status.error_code is JobErrorCode.STALLED
        assert status.error_message is not None
        assert "transcode" in status.error_message
        assert status.video_status is ProcessingStatus.FAILED

        detail = (
            await gateway.client.get(
                f"/api/video-processing-jobs/{transcode}", headers=gateway.auth(token)
            )
        ).json()
        assert (detail["status"], detail["error_code"], detail["retriable"]) == (
            "failed",
            "stalled",
            True,
        )
        assert gateway.metric("echo_gateway_reconciler_redispatches_total", kind="transcode") == 1
        assert gateway.metric("echo_gateway_reconciler_stalled_total", kind="transcode") == 1

    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "select kind::text, status::text, dispatch_count from video_jobs where video_id = %s",
            (upload["video"]["id"],),
        ).fetchall()
    assert sorted(rows) == [("metadata", "completed", 1), ("transcode", "failed", 2)]
    # The answered job was never dispatched again.
    dispatches = [msg_id(m) for m in await stream_messages(jetstream, "ECHO_VIDEOS")]
    assert f"dispatch:{ids[JobKind.METADATA]}:2" not in dispatches


async def test_only_one_replica_reconciles_at_a_time(
    start_gateway: StartGateway, clean_database: str
) -> None:
    async with start_gateway() as first, start_gateway() as second:
        async with first.state.db.connection() as conn:
            await conn.execute("select pg_advisory_lock(%s)", (0x65636802,))
            try:
                assert await second.state.reconciler.run_once() is None
            finally:
                await conn.execute("select pg_advisory_unlock(%s)", (0x65636802,))
        # The lock is free again (a background pass may hold it for a moment).
        report = await eventually(second.state.reconciler.run_once, what="a reconciler pass")
        assert (report.redispatched, report.stalled) == ([], [])


async def test_old_projected_event_ids_are_pruned(
    start_gateway: StartGateway, clean_database: str
) -> None:
    old, recent = uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(clean_database) as conn:
        conn.execute(
            "insert into projected_events (event_id, projected_at) values"
            " (%s, now() - interval '8 days'), (%s, now() - interval '6 days')",
            (old, recent),
        )
    async with start_gateway() as gateway:
        await eventually(gateway.state.reconciler.run_once, what="a reconciler pass")
    with psycopg.connect(clean_database) as conn:
        kept = conn.execute("select event_id from projected_events").fetchall()
    assert kept == [(recent,)]


async def test_a_job_queued_behind_busy_workers_is_neither_redispatched_nor_failed(
    start_gateway: StartGateway,
    token: str,
    jetstream: JetStreamContext,
    clean_database: str,
) -> None:
    """The transcoder consumer exists but has not been handed the dispatch yet."""
    async with transcoder_consumer(jetstream), start_gateway(**FAST) as gateway:
        upload = await gateway.upload_ok(token)
        transcode = job_ids(upload)[JobKind.TRANSCODE]

        async def queued_pass() -> bool:
            report = await gateway.state.reconciler.run_once()
            return report is not None and transcode in report.queued

        await asyncio.sleep(FAST["reconciler_pending_deadline_seconds"])
        await eventually(queued_pass, within=15, what="the job reported as queued")
        assert gateway.metric("echo_gateway_reconciler_redispatches_total", kind="transcode") == 0
    with psycopg.connect(clean_database) as conn:
        row = conn.execute(
            "select status::text, dispatch_count, dispatch_seq from video_jobs where id = %s",
            (transcode,),
        ).fetchone()
    assert row is not None
    status, dispatch_count, dispatch_seq = row
    assert (status, dispatch_count) == ("pending", 1)
    assert dispatch_seq is not None
