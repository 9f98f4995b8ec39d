"""NATS subject names. Every publisher and subscriber takes them from here.

Messages go by purpose (docs/architecture.md, "Messages by purpose"):

- facts for other subscribers: `echo.videos.uploaded`, `echo.videos.deleted` (`ECHO_VIDEOS`);
- command, a worker must run a job: `echo.jobs.<kind>.requested` (`ECHO_JOBS`);
- command, a worker must stop a job: `echo.jobs.<kind>.cancel.<job_id>` (`ECHO_JOBS`);
- state event, what happened to a job: `echo.jobs.<kind>.<started|completed|failed>`
  (`ECHO_JOBS`);
- progress, not state, never in Postgres: `echo.progress.<owner_id>.<job_id>`
  (`ECHO_PROGRESS`);
- recorded status, for browsers: `echo.status.<owner_id>.<job_id>` (`ECHO_STATUS`).
"""

from enum import StrEnum
from uuid import UUID

from contracts.enums import JobKind

PREFIX = "echo"

VIDEO_EVENTS = f"{PREFIX}.videos.>"
"""Every fact about videos."""

VIDEO_UPLOADED = f"{PREFIX}.videos.uploaded"
"""`VideoUploadedEvent`: an upload was stored and its jobs recorded (a fact, not a command)."""

VIDEO_DELETED = f"{PREFIX}.videos.deleted"
"""`VideoDeletedEvent`: a video was deleted and its jobs' statuses purged from `ECHO_STATUS`."""

JOBS = f"{PREFIX}.jobs.>"
"""Every job command and job state event."""

PROGRESS = f"{PREFIX}.progress.>"
"""Every `JobProgressEvent`: `echo.progress.<owner_id>.<job_id>`."""

JOB_STATUS = f"{PREFIX}.status.>"
"""Every `JobStatusChangedEvent`: `echo.status.<owner_id>.<job_id>`."""


class JobStateEvent(StrEnum):
    """The state events a worker reports about a job (the last token of their subject)."""

    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"


REQUESTED = "requested"


def job_requested(kind: JobKind) -> str:
    """Subject of the command asking a worker of `kind` to run a job."""
    return f"{PREFIX}.jobs.{kind.value}.{REQUESTED}"


def job_event(kind: JobKind, name: JobStateEvent) -> str:
    """Subject of a worker's state event about a job, e.g. `echo.jobs.transcode.started`."""
    return f"{PREFIX}.jobs.{kind.value}.{name.value}"


CANCEL = "cancel"


def job_cancel(kind: JobKind, job_id: UUID) -> str:
    """Subject of the command to stop one job; per job, so a worker can look it up later
    (the last message on it, in `ECHO_JOBS`) before it starts or finishes that job."""
    return f"{PREFIX}.jobs.{kind.value}.{CANCEL}.{job_id}"


def job_cancels(kind: JobKind) -> str:
    """Filter matching every cancel command for jobs of `kind`."""
    return f"{PREFIX}.jobs.{kind.value}.{CANCEL}.>"


JOB_STATE_EVENTS: tuple[str, ...] = tuple(f"{PREFIX}.jobs.*.{name.value}" for name in JobStateEvent)
"""Filters matching every state event of every kind (not the commands)."""


def job_progress(owner_id: UUID, job_id: UUID) -> str:
    """Subject of one job's progress; the owner is in it so a reader can filter by user."""
    return f"{PREFIX}.progress.{owner_id}.{job_id}"


def progress_of_owner(owner_id: UUID) -> str:
    """Filter matching the progress of every job of one user."""
    return f"{PREFIX}.progress.{owner_id}.>"


def job_status(owner_id: UUID, job_id: UUID) -> str:
    """Subject of one job's status changes; the owner is in it so consumers filter by user."""
    return f"{PREFIX}.status.{owner_id}.{job_id}"


def job_status_of_owner(owner_id: UUID) -> str:
    """Filter matching the status changes of every job of one user."""
    return f"{PREFIX}.status.{owner_id}.>"
