"""The gateway's side of stopping work: delete during processing, cancel and retry.

The worker's side (stop within seconds, write nothing after a cancel) belongs to the
worker kit; here the commands it acts on are asserted on the bus.
"""

import json
import uuid
from pathlib import Path
from typing import Any

import psycopg
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobKind
from contracts.streams import JOBS, STATUS, VIDEOS
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.gateway import (
    Gateway,
    failed,
    job_ids,
    job_row,
    publish_job_event,
    started,
)


async def _payloads(js: JetStreamContext, stream: str, subject_prefix: str) -> list[dict[str, Any]]:
    return [
        json.loads(message.data or b"{}")
        for message in await stream_messages(js, stream)
        if (message.subject or "").startswith(subject_prefix)
    ]


async def test_deleting_a_video_during_processing_leaves_nothing_behind(
    gateway: Gateway,
    token: str,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token)
    ids = job_ids(upload)
    owner, video_id = uuid.UUID(upload["video"]["owner_id"]), uuid.UUID(upload["video"]["id"])
    await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))

    async def processing() -> bool:
        return bool(job_row(clean_database, ids[JobKind.TRANSCODE])["status"] == "processing")

    await eventually(processing, what="transcode processing")
    # What a transcode being written leaves: the kit's staged folder and, inside it, the
    # ladder's own staging folder, both hidden.
    transcode = blob_root / f"videos/{owner}/{video_id}/transcode"
    for partial in (
        transcode / f".hls.{uuid.uuid4().hex}.partial/720p/seg_00000.m4s",
        transcode / f".hls.{uuid.uuid4().hex}.partial/..hls.{uuid.uuid4().hex}.staging/init.mp4",
    ):
        partial.parent.mkdir(parents=True)
        partial.write_bytes(b"half a ladder")

    async def statuses_retained() -> bool:
        kept = await _payloads(jetstream, STATUS.name, f"echo.status.{owner}.")
        return len(kept) == 2

    await eventually(statuses_retained, what="both statuses in ECHO_STATUS")

    deleted = await gateway.client.delete(f"/api/videos/{video_id}", headers=gateway.auth(token))
    assert deleted.status_code == 204
    assert not (blob_root / f"videos/{owner}/{video_id}").exists()
    with psycopg.connect(clean_database) as conn:
        for table in ("videos", "video_jobs"):
            column = "id" if table == "videos" else "video_id"
            count = conn.execute(f"select count(*) from {table} where {column} = %s", (video_id,))
            assert count.fetchone() == (0,), table

    async def facts() -> list[dict[str, Any]]:
        return await _payloads(jetstream, VIDEOS.name, subjects.VIDEO_DELETED)

    (fact,) = await eventually(facts, what="deletion fact")
    assert fact["video_id"] == str(video_id)
    assert sorted(fact["job_ids"]) == sorted(str(job) for job in ids.values())
    # The fact promises the statuses are gone: a reconnecting client replays none.
    assert await _payloads(jetstream, STATUS.name, f"echo.status.{owner}.") == []
    cancels = {
        message.subject: (json.loads(message.data or b"{}"), msg_id(message))
        for message in await stream_messages(jetstream, JOBS.name)
        if message.subject and ".cancel." in message.subject
    }
    assert set(cancels) == {subjects.job_cancel(kind, job) for kind, job in ids.items()}
    for command, _ in cancels.values():
        assert (command["reason"], command["attempt"]) == ("video_deleted", 1)
    # A worker's late report about a deleted job changes nothing.
    await publish_job_event(jetstream, failed(upload, JobKind.TRANSCODE))
    again = await gateway.client.get(f"/api/videos/{video_id}", headers=gateway.auth(token))
    assert again.status_code == 404


async def test_cancel_then_retry_a_job(
    gateway: Gateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.TRANSCODE]
    auth = gateway.auth(token)
    base = f"/api/video-processing-jobs/{job_id}"

    cancelled = await gateway.client.post(f"{base}/cancel", headers=auth)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["error_code"], body["retriable"]) == ("failed", "cancelled", True)

    async def cancel_command() -> list[dict[str, Any]]:
        return await _payloads(jetstream, JOBS.name, subjects.job_cancel(JobKind.TRANSCODE, job_id))

    (command,) = await eventually(cancel_command, what="cancel command")
    assert (command["reason"], command["attempt"]) == ("cancelled", 1)
    twice = await gateway.client.post(f"{base}/cancel", headers=auth)
    assert (twice.status_code, twice.json()["code"]) == (409, "job_not_cancellable")

    retried = await gateway.client.post(f"{base}/retry", headers=auth)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["error_code"]) == ("pending", None)

    async def second_dispatch() -> list[dict[str, Any]]:
        commands = await _payloads(jetstream, JOBS.name, subjects.job_requested(JobKind.TRANSCODE))
        return [c for c in commands if c["job_id"] == str(job_id) and c["attempt"] == 2]

    await eventually(second_dispatch, what="attempt 2 dispatched")
    # The cancelled attempt's own failure, reported late, does not fail the new attempt.
    await publish_job_event(jetstream, failed(upload, JobKind.TRANSCODE))
    await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE, attempt=2))

    async def running() -> bool:
        return bool(job_row(clean_database, job_id)["status"] == "processing")

    await eventually(running, what="attempt 2 running")
    detail = (await gateway.client.get(base, headers=auth)).json()
    assert [(a["attempt"], a["status"], a["error_code"]) for a in detail["previous_attempts"]] == [
        (1, "failed", "cancelled")
    ]
    not_failed = await gateway.client.post(f"{base}/retry", headers=auth)
    assert (not_failed.status_code, not_failed.json()["code"]) == (409, "job_not_retriable")


async def test_a_final_failure_is_not_retried(
    gateway: Gateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.METADATA]
    await publish_job_event(jetstream, failed(upload, JobKind.METADATA))

    async def failed_row() -> bool:
        return bool(job_row(clean_database, job_id)["status"] == "failed")

    await eventually(failed_row, what="job failed")
    response = await gateway.client.post(
        f"/api/video-processing-jobs/{job_id}/retry", headers=gateway.auth(token)
    )
    assert (response.status_code, response.json()["code"]) == (409, "job_not_retriable")
