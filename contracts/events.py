"""Events on the bus. Each one names its subject in `contracts.subjects`.

Flow: the gateway publishes `VideoUploadedEvent`; the transcoder and the metadata
worker each take the job of their kind from it and publish `JobStartedEvent`,
`JobProgressEvent` and finally `JobCompletedEvent` or `JobFailedEvent`; the gateway
projects those into Postgres and publishes one `JobStatusChangedEvent` per change,
which the notifier relays to the owner's browser.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import Field

from contracts.base import ContractModel, utc_now
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.errors import JobError
from contracts.media import BlobRef, MediaProbe, Rendition

SCHEMA_VERSION: Literal[1] = 1


class EventEnvelope(ContractModel):
    """Fields every event carries, so any log line or trace can be tied to a video."""

    event_id: UUID = Field(default_factory=uuid4, description="Unique id of this event.")
    occurred_at: datetime = Field(default_factory=utc_now, description="When it happened (UTC).")
    schema_version: Literal[1] = Field(
        default=SCHEMA_VERSION, description="Version of this event's schema."
    )
    video_id: UUID = Field(description="The video this event is about.")
    owner_id: UUID = Field(description="The user who owns the video (Supabase `auth.uid()`).")


class JobRef(ContractModel):
    """A job the gateway recorded for an upload."""

    job_id: UUID = Field(description="Id of the `video_jobs` row.")
    kind: JobKind = Field(description="Which worker takes it.")


class VideoUploadedEvent(EventEnvelope):
    """An upload is stored and its jobs are recorded: workers, take your job.

    The gateway publishes it once per upload listing every job. When a job goes
    silent, the reconciler publishes it again listing only that job, with a
    higher `dispatch_attempt`; a worker acts only on the jobs of its own kind.
    """

    event_type: Literal["video.uploaded"] = Field(
        default="video.uploaded", description="Discriminator naming the event."
    )
    source: BlobRef = Field(description="The uploaded file in blob storage.")
    original_filename: str = Field(description="File name as the uploader sent it (display only).")
    jobs: list[JobRef] = Field(min_length=1, description="Jobs to run for this dispatch.")
    dispatch_attempt: int = Field(
        default=1, ge=1, description="1 for the upload itself, more for each re-dispatch."
    )

    def job_of_kind(self, kind: JobKind) -> JobRef | None:
        """The job this dispatch asks a worker of `kind` to run, if any."""
        return next((job for job in self.jobs if job.kind == kind), None)


class JobEvent(EventEnvelope):
    """Fields of every event a worker reports about one job."""

    job_id: UUID = Field(description="The job this event is about.")
    kind: JobKind = Field(description="The job's kind.")
    attempt: int = Field(ge=1, description="Delivery attempt of the dispatch that produced it.")


class JobStartedEvent(JobEvent):
    """A worker began the job."""

    event_type: Literal["job.started"] = Field(
        default="job.started", description="Discriminator naming the event."
    )


class JobProgressEvent(JobEvent):
    """The job is alive and this far along."""

    event_type: Literal["job.progress"] = Field(
        default="job.progress", description="Discriminator naming the event."
    )
    percent: float = Field(ge=0, le=100, description="Share of the work done.")
    eta_seconds: float | None = Field(
        default=None, ge=0, description="Estimated seconds left, when it can be estimated honestly."
    )


class TranscodeResult(ContractModel):
    """What a finished transcode produced."""

    kind: Literal[JobKind.TRANSCODE] = Field(
        default=JobKind.TRANSCODE, description="Discriminator: a transcode result."
    )
    renditions: list[Rendition] = Field(min_length=1, description="Every output, fully written.")


class MetadataResult(ContractModel):
    """What a finished metadata extraction produced."""

    kind: Literal[JobKind.METADATA] = Field(
        default=JobKind.METADATA, description="Discriminator: a metadata result."
    )
    probe: MediaProbe = Field(description="Container and stream description.")
    poster: BlobRef | None = Field(
        default=None, description="Poster JPEG; absent for audio-only files."
    )


JobResult = Annotated[TranscodeResult | MetadataResult, Field(discriminator="kind")]


class JobCompletedEvent(JobEvent):
    """The job finished and its outputs are fully written."""

    event_type: Literal["job.completed"] = Field(
        default="job.completed", description="Discriminator naming the event."
    )
    result: JobResult = Field(description="The job's outputs.")


class JobFailedEvent(JobEvent):
    """The job ended without output."""

    event_type: Literal["job.failed"] = Field(
        default="job.failed", description="Discriminator naming the event."
    )
    error: JobError = Field(description="Why, and whether trying again could help.")


WorkerJobEvent = Annotated[
    JobStartedEvent | JobProgressEvent | JobCompletedEvent | JobFailedEvent,
    Field(discriminator="event_type"),
]


class JobStatusChangedEvent(EventEnvelope):
    """The gateway recorded a new state for a job; what the browser is told.

    Published after the database commit, so a client that reads the REST API on
    receiving it sees the same state. `version` grows by one per change.
    """

    event_type: Literal["job.status_changed"] = Field(
        default="job.status_changed", description="Discriminator naming the event."
    )
    job_id: UUID = Field(description="The job.")
    kind: JobKind = Field(description="The job's kind.")
    status: ProcessingStatus = Field(description="The job's status now.")
    progress: float = Field(ge=0, le=100, description="Percent done (100 when completed).")
    eta_seconds: float | None = Field(default=None, ge=0, description="Estimated seconds left.")
    error_code: JobErrorCode | None = Field(default=None, description="Set when failed.")
    error_message: str | None = Field(default=None, description="Set when failed.")
    version: int = Field(ge=1, description="Monotonic per job; orders updates.")
    video_status: ProcessingStatus = Field(description="The video's overall status now.")
