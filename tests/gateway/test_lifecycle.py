"""The job state machine on its own (no server): terminal states are final, except that a
completion wins over a failure, from any attempt."""

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus, RenditionKind
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobStartedEvent,
    TranscodeResult,
)
from contracts.media import BlobRef, Rendition
from services.gateway.db.records import JobRecord
from services.gateway.pipeline.lifecycle import apply_event, failed, video_status

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
STALLED = JobError(code=JobErrorCode.STALLED, message="No worker reported.", retriable=True)


def _job(**changes: object) -> JobRecord:
    base = JobRecord(
        id=uuid.uuid4(),
        video_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        kind=JobKind.TRANSCODE,
        status=ProcessingStatus.PENDING,
        progress=0.0,
        eta_seconds=None,
        attempts=0,
        dispatch_count=1,
        error_code=None,
        error_message=None,
        retriable=None,
        result=None,
        version=1,
        created_at=NOW,
        updated_at=NOW,
        started_at=None,
        completed_at=None,
        last_event_at=NOW,
    )
    return base.model_copy(update=changes)


def _ids(job: JobRecord, attempt: int) -> dict[str, Any]:
    return {
        "video_id": job.video_id,
        "owner_id": job.owner_id,
        "job_id": job.id,
        "kind": job.kind,
        "attempt": attempt,
    }


def _completed(job: JobRecord, attempt: int) -> JobCompletedEvent:
    output = Rendition(
        name="mp4-240p",
        kind=RenditionKind.VIDEO,
        file=BlobRef(key="videos/a/b/transcode/mp4-240p.mp4", size_bytes=1),
        container="mp4",
        duration_seconds=1.0,
    )
    return JobCompletedEvent(**_ids(job, attempt), result=TranscodeResult(renditions=[output]))


def test_start_then_completion() -> None:
    job = _job()
    running = apply_event(job, JobStartedEvent(**_ids(job, 1)))
    assert (running.status, running.attempts) == (ProcessingStatus.PROCESSING, 1)
    assert running.started_at is not None
    done = apply_event(running, _completed(job, 1))
    assert (done.status, done.progress, done.eta_seconds) == (
        ProcessingStatus.COMPLETED,
        100.0,
        None,
    )
    assert done.started_at == running.started_at


def test_a_completed_job_never_changes() -> None:
    done = apply_event(_job(), _completed(_job(), 1))
    error = JobError(code=JobErrorCode.NOT_MEDIA, message="Not a video.", retriable=False)
    for event in (
        JobStartedEvent(**_ids(done, 2)),
        JobFailedEvent(**_ids(done, 2), error=error),
        _completed(done, 2),
    ):
        assert apply_event(done, event) == done


def test_a_failed_job_ignores_starts_and_failures() -> None:
    job = failed(_job(status=ProcessingStatus.PROCESSING), STALLED, NOW)
    assert apply_event(job, JobStartedEvent(**_ids(job, 3))) == job
    assert apply_event(job, JobFailedEvent(**_ids(job, 3), error=STALLED)) == job


def test_a_completion_from_any_attempt_wins_over_stalled() -> None:
    job = failed(_job(status=ProcessingStatus.PROCESSING, dispatch_count=3), STALLED, NOW)
    for attempt in (1, 3):
        done = apply_event(job, _completed(job, attempt))
        assert done.status is ProcessingStatus.COMPLETED
        assert (done.error_code, done.error_message, done.retriable) == (None, None, None)


def test_video_status_from_its_jobs() -> None:
    pending, processing = ProcessingStatus.PENDING, ProcessingStatus.PROCESSING
    completed, failed_ = ProcessingStatus.COMPLETED, ProcessingStatus.FAILED
    assert video_status([pending, pending]) is pending
    assert video_status([processing, pending]) is processing
    assert video_status([completed, pending]) is processing
    assert video_status([completed, completed]) is completed
    assert video_status([completed, failed_]) is failed_


def test_the_status_event_is_derived_from_the_row() -> None:
    job = _job(status=ProcessingStatus.PROCESSING, progress=12.5, version=4)
    event = job.status_event(ProcessingStatus.PROCESSING)
    assert (event.job_id, event.video_id, event.owner_id, event.kind) == (
        job.id,
        job.video_id,
        job.owner_id,
        job.kind,
    )
    assert (event.status, event.progress, event.version, event.occurred_at) == (
        ProcessingStatus.PROCESSING,
        12.5,
        4,
        job.updated_at,
    )
