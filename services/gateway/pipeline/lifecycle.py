"""The job state machine, as pure functions over `JobRecord`.

A job moves `pending → processing → completed|failed`. A terminal state is final
with one exception: a `completed` event wins over `failed`, from any attempt,
because its outputs exist, and a job whose output exists is never reported
failed (e.g. the reconciler failed it as `stalled` while a slow worker was
still finishing).
"""

from datetime import datetime

from contracts.enums import ProcessingStatus
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobStartedEvent,
    JobStateChange,
)
from services.gateway.db.records import JobRecord


def apply_event(job: JobRecord, event: JobStateChange) -> JobRecord:
    """The job after `event`; the same record when the event changes nothing."""
    if job.status is ProcessingStatus.COMPLETED:
        return job
    if job.status is ProcessingStatus.FAILED and not isinstance(event, JobCompletedEvent):
        return job
    match event:
        case JobStartedEvent():
            return job.model_copy(
                update={
                    "status": ProcessingStatus.PROCESSING,
                    "attempts": job.attempts + 1,
                    "started_at": job.started_at or event.occurred_at,
                }
            )
        case JobCompletedEvent():
            return job.model_copy(
                update={
                    "status": ProcessingStatus.COMPLETED,
                    "progress": 100.0,
                    "eta_seconds": None,
                    "error_code": None,
                    "error_message": None,
                    "retriable": None,
                    "result": event.result.model_dump(mode="json"),
                    "started_at": job.started_at or event.occurred_at,
                    "completed_at": event.occurred_at,
                }
            )
        case JobFailedEvent():
            return failed(job, event.error, event.occurred_at)


def failed(job: JobRecord, error: JobError, at: datetime) -> JobRecord:
    """The job ended without output, for the reason `error` gives."""
    return job.model_copy(
        update={
            "status": ProcessingStatus.FAILED,
            "eta_seconds": None,
            "error_code": error.code,
            "error_message": error.message,
            "retriable": error.retriable,
            "completed_at": at,
        }
    )


def video_status(job_statuses: list[ProcessingStatus]) -> ProcessingStatus:
    """A video's status from its jobs' (see docs/architecture.md, "Job status model")."""
    if ProcessingStatus.FAILED in job_statuses:
        return ProcessingStatus.FAILED
    if job_statuses and all(status is ProcessingStatus.COMPLETED for status in job_statuses):
        return ProcessingStatus.COMPLETED
    if any(status is not ProcessingStatus.PENDING for status in job_statuses):
        return ProcessingStatus.PROCESSING
    return ProcessingStatus.PENDING
