"""The reconciler re-dispatches silent jobs (the same command, next attempt), then fails
them as stalled; a job whose command is queued behind busy workers waits; a completion
that arrives after all wins."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.events import JobRequestedCommand, JobStatusChangedEvent
from contracts.streams import JOBS, STATUS, WORKERS
from services.common.bus import command_msg_id
from services.gateway.db.locks import Duty
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.gateway import (
    StartGateway,
    job_ids,
    job_row,
    metadata_completed,
    publish_job_event,
    started,
    transcode_completed,
)

FAST = {
    "reconciler_interval_seconds": 0.2,
    "reconciler_pending_deadline_seconds": 2.0,
    "reconciler_processing_deadline_seconds": 2.0,
    "reconciler_max_dispatches": 2,
}
TRANSCODER = WORKERS[JobKind.TRANSCODE]


@contextlib.asynccontextmanager
async def silent_transcoder(js: JetStreamContext) -> AsyncIterator[None]:
    """A transcoder that takes every command and then never reports (a hung worker)."""
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


async def _command(js: JetStreamContext, job_id: uuid.UUID, attempt: int) -> JobRequestedCommand:
    async def stored() -> JobRequestedCommand | None:
        for message in await stream_messages(js, JOBS.name):
            if msg_id(message) == command_msg_id(job_id, attempt):
                return JobRequestedCommand.model_validate_json(message.data or b"")
        return None

    return await eventually(stored, within=15, what=f"command attempt {attempt} in ECHO_JOBS")


async def _latest_status(
    js: JetStreamContext, owner_id: uuid.UUID, job_id: uuid.UUID
) -> JobStatusChangedEvent:
    message = await js.get_last_msg(STATUS.name, subjects.job_status(owner_id, job_id))
    return JobStatusChangedEvent.model_validate_json(message.data or b"")


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

        first = await _command(jetstream, transcode, 1)
        again = await _command(jetstream, transcode, 2)
        assert again.model_dump(exclude={"event_id", "occurred_at", "attempt"}) == (
            first.model_dump(exclude={"event_id", "occurred_at", "attempt"})
        )
        assert (again.job_id, again.kind, again.owner_id) == (transcode, JobKind.TRANSCODE, user_id)
        assert again.source.key == f"videos/{user_id}/{again.video_id}/source"
        assert again.source.sha256 == upload["video"]["checksum_sha256"]

        async def stalled() -> JobStatusChangedEvent | None:
            status = await _latest_status(jetstream, user_id, transcode)
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
        assert gateway.metric("echo_redispatches_total", kind="transcode") == 1
        assert gateway.metric("echo_jobs_stalled_total", kind="transcode") == 1

    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "select kind::text, status::text, dispatch_count from video_jobs where video_id = %s",
            (upload["video"]["id"],),
        ).fetchall()
    assert sorted(rows) == [("metadata", "completed", 1), ("transcode", "failed", 2)]
    # The answered job was never dispatched again.
    commands = [msg_id(m) for m in await stream_messages(jetstream, JOBS.name)]
    assert command_msg_id(ids[JobKind.METADATA], 2) not in commands


async def test_a_completion_after_stalled_wins(
    start_gateway: StartGateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    """A slow worker finishes the second attempt after the reconciler gave up on it: the
    output exists, so the job is completed, not failed."""
    async with start_gateway(**FAST) as gateway:
        upload = await gateway.upload_ok(token)
        transcode = job_ids(upload)[JobKind.TRANSCODE]
        await publish_job_event(jetstream, metadata_completed(upload, blob_root))
        await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))

        async def stalled() -> bool:
            row = job_row(clean_database, transcode)
            return bool(row["status"] == "failed" and row["error_code"] == "stalled")

        await eventually(stalled, within=15, what="the job failed as stalled")
        await gateway.parts.reconciler.loop.stop(1.0)  # nothing more from it
        failed_version = job_row(clean_database, transcode)["version"]

        await publish_job_event(jetstream, transcode_completed(upload, blob_root, attempt=2))

        async def completed() -> JobStatusChangedEvent | None:
            status = await _latest_status(jetstream, user_id, transcode)
            return status if status.status is ProcessingStatus.COMPLETED else None

        status = await eventually(completed, what="the completion announced")
        assert (status.version, status.error_code, status.error_message) == (
            failed_version + 1,
            None,
            None,
        )
        assert status.video_status is ProcessingStatus.COMPLETED
        video = (
            await gateway.client.get(
                f"/api/videos/{upload['video']['id']}", headers=gateway.auth(token)
            )
        ).json()
        assert video["status"] == "completed"
        assert [r["name"] for r in video["renditions"]] == ["mp4-240p"]
    row = job_row(clean_database, transcode)
    assert (row["status"], row["retriable"], row["progress"]) == ("completed", None, 100.0)


async def test_only_one_replica_reconciles_at_a_time(
    start_gateway: StartGateway, clean_database: str
) -> None:
    async with start_gateway() as first, start_gateway() as second:
        async with first.parts.db.connection() as conn:
            await conn.execute("select pg_advisory_lock(%s)", (Duty.RECONCILER.value,))
            try:
                assert await second.parts.reconciler.run_once() is None
            finally:
                await conn.execute("select pg_advisory_unlock(%s)", (Duty.RECONCILER.value,))
        # The lock is free again (a background pass may hold it for a moment).
        report = await eventually(second.parts.reconciler.run_once, what="a reconciler pass")
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
        await eventually(gateway.parts.reconciler.run_once, what="a reconciler pass")
    with psycopg.connect(clean_database) as conn:
        kept = conn.execute("select event_id from projected_events").fetchall()
    assert kept == [(recent,)]


async def _stays_queued(start_gateway: StartGateway, token: str, clean_database: str) -> None:
    async with start_gateway(**FAST) as gateway:
        upload = await gateway.upload_ok(token)
        transcode = job_ids(upload)[JobKind.TRANSCODE]

        async def queued_pass() -> bool:
            report = await gateway.parts.reconciler.run_once()
            return report is not None and transcode in report.queued

        await asyncio.sleep(FAST["reconciler_pending_deadline_seconds"])
        await eventually(queued_pass, within=15, what="the job reported as queued")
        assert gateway.metric("echo_redispatches_total", kind="transcode") == 0
    row = job_row(clean_database, transcode)
    assert (row["status"], row["dispatch_count"]) == ("pending", 1)


async def test_a_job_queued_behind_busy_workers_is_waiting_not_lost(
    start_gateway: StartGateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    """The transcoder's consumer exists but no worker has taken the command yet."""
    await _stays_queued(start_gateway, token, clean_database)
    info = await jetstream.consumer_info(TRANSCODER.stream, TRANSCODER.durable)
    assert info.num_pending >= 1


async def test_a_job_is_queued_while_its_workers_consumer_does_not_exist(
    start_gateway: StartGateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    """Before the consumer exists (e.g. a worker kind not yet deployed), commands wait in
    the stream; the next `python -m services.migrate` creates the consumer."""
    await jetstream.delete_consumer(TRANSCODER.stream, TRANSCODER.durable)
    await _stays_queued(start_gateway, token, clean_database)
