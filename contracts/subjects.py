"""NATS subject names. Every publisher and subscriber takes them from here."""

from uuid import UUID

from contracts.enums import JobKind

PREFIX = "echo"

VIDEO_UPLOADED = f"{PREFIX}.videos.uploaded"
"""`VideoUploadedEvent`: an upload to process (and every re-dispatch of one)."""

JOB_EVENTS = f"{PREFIX}.jobs.>"
"""Every worker-reported job event: `echo.jobs.<kind>.<started|progress|completed|failed>`."""

JOB_STATUS = f"{PREFIX}.status.>"
"""Every `JobStatusChangedEvent`: `echo.status.<owner_id>.<job_id>`."""

JobEventName = str  # one of "started", "progress", "completed", "failed"


def job_event(kind: JobKind, name: JobEventName) -> str:
    """Subject of a worker's event about a job of `kind`, e.g. `echo.jobs.transcode.progress`."""
    return f"{PREFIX}.jobs.{kind.value}.{name}"


def job_status(owner_id: UUID, job_id: UUID) -> str:
    """Subject of one job's status changes; the owner is in it so consumers filter by user."""
    return f"{PREFIX}.status.{owner_id}.{job_id}"


def job_status_of_owner(owner_id: UUID) -> str:
    """Filter matching the status changes of every job of one user."""
    return f"{PREFIX}.status.{owner_id}.>"
