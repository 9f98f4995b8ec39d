"""The projector, fed real worker events through ECHO_JOBS, against real Postgres."""

import uuid
from pathlib import Path
from typing import Any

from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobStartedEvent, JobStatusChangedEvent
from contracts.streams import JOBS, PROJECTOR
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.gateway import (
    Gateway,
    failed,
    job_ids,
    job_row,
    metadata_completed,
    progress,
    projector_settled,
    publish_job_event,
    publish_progress,
    started,
    transcode_completed,
)

PROJECTED = "echo_events_projected_total"


async def _status_event(
    js: JetStreamContext, owner_id: uuid.UUID, job_id: uuid.UUID
) -> tuple[JobStatusChangedEvent, str | None]:
    message = await js.get_last_msg("ECHO_STATUS", subjects.job_status(owner_id, job_id))
    return JobStatusChangedEvent.model_validate_json(message.data or b""), msg_id(message)


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

    async def processing() -> dict[str, Any] | None:
        row = job_row(clean_database, job_id)
        return row if row["status"] == "processing" else None

    row = await eventually(processing, what="start projected")
    assert (row["attempts"], row["version"], row["video_status"]) == (1, 2, "processing")
    assert row["started_at"] is not None

    await publish_job_event(jetstream, transcode_completed(upload, blob_root))

    async def completed() -> dict[str, Any] | None:
        row = job_row(clean_database, job_id)
        return row if row["status"] == "completed" else None

    row = await eventually(completed, what="completion projected")
    assert (row["progress"], row["eta_seconds"], row["version"]) == (100.0, None, 3)
    assert row["result"]["kind"] == "transcode"
    assert row["result"]["renditions"][0]["name"] == "mp4-240p"
    assert row["completed_at"] is not None
    assert row["video_status"] == "processing"  # the metadata job is still pending

    async def announced() -> tuple[JobStatusChangedEvent, str | None] | None:
        event, message_id = await _status_event(jetstream, user_id, job_id)
        return (event, message_id) if event.version == 3 else None

    event, message_id = await eventually(announced, what="status event v3 in ECHO_STATUS")
    assert message_id == f"status:{job_id}:v3"
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
    assert job_row(clean_database, job_id)["video_status"] == "completed"


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
        row = job_row(clean_database, job_id)
        return row if row["status"] == "failed" else None

    row = await eventually(failed_row, what="failure projected")
    assert (row["error_code"], row["retriable"], row["video_status"]) == (
        "not_media",
        False,
        "failed",
    )
    assert "not a video" in row["error_message"]

    async def announced() -> JobStatusChangedEvent | None:
        event, _ = await _status_event(jetstream, user_id, job_id)
        return event if event.status is ProcessingStatus.FAILED else None

    event = await eventually(announced, what="the failure announced")
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
        labels = {"event": "job.started", "outcome": "duplicate"}
        return gateway.metric(PROJECTED, **labels) == 1

    await eventually(deduplicated, what="duplicate detected")
    await projector_settled(jetstream)
    row = job_row(clean_database, job_id)
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
    transcode = job_ids(upload)[JobKind.TRANSCODE]
    metadata = job_ids(upload)[JobKind.METADATA]
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))
    await publish_job_event(jetstream, failed(upload, JobKind.METADATA))
    # Late or re-dispatched events about both jobs: none moves a terminal state, except
    # that nothing here is a completion over the failure.
    await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE, attempt=2))
    await publish_job_event(jetstream, failed(upload, JobKind.TRANSCODE))
    await publish_job_event(jetstream, started(upload, JobKind.METADATA, attempt=2))

    async def all_handled() -> bool:
        unchanged = sum(
            gateway.metric(PROJECTED, event=kind, outcome="unchanged")
            for kind in ("job.started", "job.failed")
        )
        return unchanged == 3

    await eventually(all_handled, what="late events handled")
    row = job_row(clean_database, transcode)
    assert (row["status"], row["progress"], row["attempts"], row["version"]) == (
        "completed",
        100.0,
        0,
        2,
    )
    assert row["error_code"] is None
    metadata_row = job_row(clean_database, metadata)
    assert (metadata_row["status"], metadata_row["version"]) == ("failed", 2)

    async def relayed() -> bool:
        return await gateway.parts.relay.relay_pending() == 0

    await eventually(relayed, what="the outbox drained")
    event, message_id = await _status_event(jetstream, user_id, transcode)
    assert (event.status, event.version, message_id) == (
        ProcessingStatus.COMPLETED,
        2,
        f"status:{transcode}:v2",
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
    wrong_kind = started(upload, JobKind.TRANSCODE).model_copy(update={"kind": JobKind.METADATA})
    for event in (unknown, wrong_owner, wrong_kind):
        await publish_job_event(jetstream, event, msg_id=str(event.event_id))
    # Not a state event at all, on a state event's subject.
    await jetstream.publish(
        subjects.job_event(JobKind.TRANSCODE, subjects.JobStateEvent.FAILED),
        b'{"event_type": "job.failed"}',
    )

    async def handled() -> bool:
        ignored = gateway.metric(PROJECTED, event="job.started", outcome="ignored")
        invalid = gateway.metric(PROJECTED, event="unknown", outcome="invalid")
        return (ignored, invalid) == (3, 1)

    await eventually(handled, what="bad events handled")
    await projector_settled(jetstream)
    info = await jetstream.consumer_info(PROJECTOR.stream, PROJECTOR.durable)
    assert info.num_redelivered == 0
    row = job_row(clean_database, job_id)
    assert (row["status"], row["version"]) == ("pending", 1)


async def test_commands_and_progress_never_reach_the_projector(
    gateway: Gateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    """The projector's consumer is filtered to state events: an upload's commands are not
    delivered to it, and neither is progress (another stream)."""
    before = await jetstream.consumer_info(PROJECTOR.stream, PROJECTOR.durable)
    upload = await gateway.upload_ok(token)
    await publish_progress(jetstream, progress(upload, JobKind.TRANSCODE, 10.0))

    async def commands_stored() -> bool:
        stored = await stream_messages(jetstream, JOBS.name)
        return sum((m.subject or "").endswith(".requested") for m in stored) == len(JobKind)

    await eventually(commands_stored, what="the upload's commands in ECHO_JOBS")
    await projector_settled(jetstream)
    after = await jetstream.consumer_info(PROJECTOR.stream, PROJECTOR.durable)
    assert after.delivered.consumer_seq == before.delivered.consumer_seq
