"""The projector, fed real worker events through ECHO_JOBS, against real Postgres."""

import uuid
from pathlib import Path
from typing import Any

import psycopg
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobProgressEvent, JobStartedEvent, JobStatusChangedEvent
from tests.gateway.builders import (
    failed,
    metadata_completed,
    progress,
    started,
    transcode_completed,
)
from tests.gateway.conftest import Gateway, job_ids, publish_job_event
from tests.support.bus import eventually, msg_id

PROJECTED = "echo_gateway_projected_events_total"


def _job_row(dsn: str, job_id: uuid.UUID) -> dict[str, Any]:
    with psycopg.connect(dsn) as conn:
        cursor = conn.execute(
            "select j.status, j.progress, j.eta_seconds, j.attempts, j.version, j.result,"
            " j.error_code, j.error_message, j.retriable, j.started_at, j.completed_at,"
            " v.status as video_status from video_jobs j join videos v on v.id = j.video_id"
            " where j.id = %s",
            (job_id,),
        )
        row = cursor.fetchone()
        assert row is not None
        assert cursor.description is not None
        return dict(zip([column.name for column in cursor.description], row, strict=True))


async def _status_event(
    js: JetStreamContext, owner_id: uuid.UUID, job_id: uuid.UUID
) -> tuple[JobStatusChangedEvent, str | None]:
    message = await js.get_last_msg("ECHO_STATUS", subjects.job_status(owner_id, job_id))
    return JobStatusChangedEvent.model_validate_json(message.data or b""), msg_id(message)


async def _settled(gateway: Gateway, js: JetStreamContext) -> None:
    """Every job event delivered and acked: nothing pending, nothing awaiting an ack."""

    async def idle() -> bool:
        info = await js.consumer_info("ECHO_JOBS", "gateway-projector")
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    await eventually(idle, what="projector consumer idle")


async def test_job_lifecycle_is_projected_and_announced(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.TRANSCODE]

    await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))
    await publish_job_event(jetstream, progress(upload, JobKind.TRANSCODE, 42.5, eta=3.0))

    async def in_progress() -> dict[str, Any] | None:
        row = _job_row(clean_database, job_id)
        return row if row["progress"] == 42.5 else None

    row = await eventually(in_progress, what="progress projected")
    assert (row["status"], row["attempts"], row["eta_seconds"], row["version"]) == (
        "processing",
        1,
        3.0,
        3,
    )
    assert row["started_at"] is not None
    assert row["video_status"] == "processing"

    await publish_job_event(jetstream, transcode_completed(upload, blob_root))

    async def completed() -> dict[str, Any] | None:
        row = _job_row(clean_database, job_id)
        return row if row["status"] == "completed" else None

    row = await eventually(completed, what="completion projected")
    assert (row["progress"], row["eta_seconds"], row["version"]) == (100.0, None, 4)
    assert row["result"]["kind"] == "transcode"
    assert row["result"]["renditions"][0]["name"] == "mp4-240p"
    assert row["completed_at"] is not None
    assert row["video_status"] == "processing"  # the metadata job is still pending

    async def announced() -> tuple[JobStatusChangedEvent, str | None] | None:
        event, message_id = await _status_event(jetstream, user_id, job_id)
        return (event, message_id) if event.version == 4 else None

    event, message_id = await eventually(announced, what="status event v4 in ECHO_STATUS")
    assert message_id == f"status:{job_id}:v4"
    assert (event.status, event.progress, event.video_status) == (
        ProcessingStatus.COMPLETED,
        100.0,
        ProcessingStatus.PROCESSING,
    )
    assert (event.job_id, event.kind, event.owner_id) == (job_id, JobKind.TRANSCODE, user_id)

    await publish_job_event(jetstream, metadata_completed(upload, blob_root))
    metadata_job = job_ids(upload)[JobKind.METADATA]

    async def video_completed() -> JobStatusChangedEvent | None:
        event, _ = await _status_event(jetstream, user_id, metadata_job)
        return event if event.video_status is ProcessingStatus.COMPLETED else None

    await eventually(video_completed, what="video completed in the status event")
    assert _job_row(clean_database, job_id)["video_status"] == "completed"


async def test_failure_is_recorded_with_its_reason(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token, b"")
    job_id = job_ids(upload)[JobKind.METADATA]
    await publish_job_event(jetstream, failed(upload, JobKind.METADATA))

    async def failed_row() -> dict[str, Any] | None:
        row = _job_row(clean_database, job_id)
        return row if row["status"] == "failed" else None

    row = await eventually(failed_row, what="failure projected")
    assert (row["error_code"], row["retriable"], row["video_status"]) == (
        "not_media",
        False,
        "failed",
    )
    assert "not a video" in row["error_message"]
    event, _ = await _status_event(jetstream, user_id, job_id)
    assert event.status is ProcessingStatus.FAILED
    assert event.error_code is not None
    assert event.error_code.value == "not_media"
    assert event.video_status is ProcessingStatus.FAILED


async def test_the_same_event_twice_has_one_outcome(
    gateway: Gateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.TRANSCODE]
    event = started(upload, JobKind.TRANSCODE)
    # Different message ids, so JetStream stores both: only the projector can dedupe.
    await publish_job_event(jetstream, event, msg_id="first")
    await publish_job_event(jetstream, event, msg_id="second")

    async def deduplicated() -> bool:
        labels = {"event_type": "job.started", "outcome": "duplicate"}
        return gateway.metric(PROJECTED, **labels) == 1

    await eventually(deduplicated, what="duplicate detected")
    await _settled(gateway, jetstream)
    row = _job_row(clean_database, job_id)
    assert (row["status"], row["attempts"], row["version"]) == ("processing", 1, 2)


async def test_terminal_states_are_final(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.TRANSCODE]
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))
    await publish_job_event(jetstream, progress(upload, JobKind.TRANSCODE, 10.0, eta=60.0))
    await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))
    await publish_job_event(jetstream, failed(upload, JobKind.TRANSCODE))

    async def all_handled() -> bool:
        unchanged = sum(
            gateway.metric(PROJECTED, event_type=kind, outcome="unchanged")
            for kind in ("job.progress", "job.started", "job.failed")
        )
        return unchanged == 3

    await eventually(all_handled, what="late events handled")
    row = _job_row(clean_database, job_id)
    assert (row["status"], row["progress"], row["attempts"], row["version"]) == (
        "completed",
        100.0,
        0,
        2,
    )
    assert row["error_code"] is None
    event, message_id = await _status_event(jetstream, user_id, job_id)
    assert (event.status, event.version, message_id) == (
        ProcessingStatus.COMPLETED,
        2,
        f"status:{job_id}:v2",
    )


async def test_unknown_and_mismatched_events_are_ignored_and_acked(
    gateway: Gateway,
    token: str,
    other_user_id: uuid.UUID,
    jetstream: JetStreamContext,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token)
    job_id = job_ids(upload)[JobKind.TRANSCODE]
    unknown = JobStartedEvent(
        video_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        job_id=uuid.uuid4(),
        kind=JobKind.TRANSCODE,
        attempt=1,
    )
    wrong_owner = started(upload, JobKind.TRANSCODE).model_copy(update={"owner_id": other_user_id})
    wrong_kind = JobProgressEvent(
        video_id=uuid.UUID(upload["video"]["id"]),
        owner_id=uuid.UUID(upload["video"]["owner_id"]),
        job_id=job_id,
        kind=JobKind.METADATA,
        attempt=1,
        percent=50,
    )
    for event in (unknown, wrong_owner, wrong_kind):
        await publish_job_event(jetstream, event)
    await jetstream.publish(
        subjects.job_event(JobKind.TRANSCODE, "progress"), b'{"event_type": "job.progress"}'
    )

    async def handled() -> bool:
        ignored = gateway.metric(PROJECTED, event_type="job.started", outcome="ignored")
        ignored += gateway.metric(PROJECTED, event_type="job.progress", outcome="ignored")
        invalid = gateway.metric(PROJECTED, event_type="unknown", outcome="invalid")
        return (ignored, invalid) == (3, 1)

    await eventually(handled, what="bad events handled")
    await _settled(gateway, jetstream)
    info = await jetstream.consumer_info("ECHO_JOBS", "gateway-projector")
    assert info.num_redelivered == 0
    row = _job_row(clean_database, job_id)
    assert (row["status"], row["version"]) == ("pending", 1)
