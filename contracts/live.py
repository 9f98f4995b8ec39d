"""What the notifier pushes to browsers over WebSocket and SSE.

Each message is a superset of the frontend's `{job_id, status, progress, error_message}`
and has a `type` naming it:

- `job.status`, `JobStatusUpdate`: the gateway recorded a new state
  (from `JobStatusChangedEvent`);
- `job.progress`, `JobProgressUpdate`: a running job reported progress
  (from `JobProgressEvent`).

Both are derived from their bus event by validation (`of`), never copied field by field.
"""

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import Field

from contracts.base import ContractModel
from contracts.enums import JobKind, JobPhase, ProcessingStatus
from contracts.events import JobProgressEvent, JobStatusChangedEvent, JobStatusFields


class JobStatusUpdate(JobStatusFields):
    """A job's new recorded state. Ignore one whose `version` is lower than one you have."""

    type: Literal["job.status"] = Field(default="job.status", description="Message type.")

    @classmethod
    def of(cls, event: JobStatusChangedEvent) -> Self:
        return cls.model_validate(event, from_attributes=True)


class JobProgressUpdate(ContractModel):
    """A running job's progress. Apply it only while the job is `processing`."""

    type: Literal["job.progress"] = Field(default="job.progress", description="Message type.")
    job_id: UUID = Field(description="The job.")
    video_id: UUID = Field(description="Its video.")
    kind: JobKind = Field(description="The job's kind.")
    status: Literal[ProcessingStatus.PROCESSING] = Field(
        default=ProcessingStatus.PROCESSING, description="Always `processing`."
    )
    phase: JobPhase | None = Field(default=None, description="What the worker is doing now.")
    progress: float = Field(ge=0, le=100, description="Percent done.")
    eta_seconds: float | None = Field(default=None, ge=0, description="Estimated seconds left.")
    error_message: None = Field(default=None, description="Always null (for uniform handling).")
    occurred_at: datetime = Field(description="When the worker reported it.")

    @classmethod
    def of(cls, event: JobProgressEvent) -> Self:
        return cls.model_validate(event, from_attributes=True)


LiveUpdate = Annotated[JobStatusUpdate | JobProgressUpdate, Field(discriminator="type")]
"""Any message the notifier sends; branch on `type`."""
