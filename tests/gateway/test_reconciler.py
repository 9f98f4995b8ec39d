"""The reconciler re-dispatches silent jobs, then fails them as stalled."""

import uuid
from pathlib import Path

import psycopg
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.events import JobStatusChangedEvent, VideoUploadedEvent
from tests.gateway.builders import metadata_completed
from tests.gateway.conftest import (
    StartGateway,
    eventually,
    job_ids,
    msg_id,
    publish_job_event,
    stream_messages,
)

FAST = {
    "reconciler_interval_seconds": 0.2,
    "reconciler_pending_deadline_seconds": 2.0,
    "reconciler_processing_deadline_seconds": 2.0,
    "reconciler_max_dispatches": 2,
}


async def test_a_silent_job_is_redispatched_then_failed_as_stalled(
    start_gateway: StartGateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    async with start_gateway(**FAST) as gateway:
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
