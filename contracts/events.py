"""Messages on the bus, by purpose. Each names its subject in `contracts.subjects`.

- Facts: the gateway publishes `VideoUploadedEvent` once per upload, and
  `VideoDeletedEvent` once per deletion, for any subscriber.
- Command: `JobRequestedCommand`, one per job and attempt, on its kind's subject; the
  worker of that kind runs it. A re-dispatch is the same command with the next attempt.
- State events: the worker reports `JobStartedEvent`, then `JobCompletedEvent` or
  `JobFailedEvent`; the gateway projects them into Postgres and publishes one
  `JobStatusChangedEvent` per recorded change, which the notifier relays to browsers.
- Progress: `JobProgressEvent`, about every second, on its own short-lived per-owner
  subject. It is not state: the notifier reads it directly; Postgres never sees a tick.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final, Literal
from uuid import UUID, uuid4

from pydantic import Field

from contracts.base import ContractModel, utc_now
from contracts.enums import JobErrorCode, JobKind, JobPhase, ProcessingStatus
from contracts.errors import JobError
from contracts.media import BlobRef, MediaProbe, PosterImage, Rendition, Storyboard
from contracts.outputs import TranscodeOutput

SCHEMA_VERSION: Final = 1
"""The version Echo's producers write. Additive changes keep it; a breaking change is a
new message on a new versioned subject (docs/contracts.md), so a consumer never needs to
refuse a message for its version: it records it, and reads the fields it knows."""


class EventEnvelope(ContractModel):
    """Fields every message carries, so any log line or trace can be tied to a video."""

    event_id: UUID = Field(default_factory=uuid4, description="Unique id of this message.")
    occurred_at: datetime = Field(default_factory=utc_now, description="When it happened (UTC).")
    schema_version: int = Field(
        default=SCHEMA_VERSION,
        ge=1,
        description="Version of this message's schema, informational: compatible changes "
        "keep it, and a breaking change is published on a new versioned subject.",
    )
    video_id: UUID = Field(description="The video this message is about.")
    owner_id: UUID = Field(description="The user who owns the video (Supabase `auth.uid()`).")


class JobRef(ContractModel):
    """A job the gateway recorded for an upload."""

    job_id: UUID = Field(description="Id of the `video_jobs` row.")
    kind: JobKind = Field(description="Which worker takes it.")


class VideoUploadedEvent(EventEnvelope):
    """An upload is stored and its jobs are recorded. A fact for other subscribers;
    Echo's workers act on `JobRequestedCommand`, not on this."""

    event_type: Literal["video.uploaded"] = Field(
        default="video.uploaded", description="Discriminator naming the event."
    )
    source: BlobRef = Field(description="The uploaded file in blob storage.")
    original_filename: str = Field(description="File name as the uploader sent it (display only).")
    jobs: list[JobRef] = Field(min_length=1, description="The jobs recorded for the upload.")


class VideoDeletedEvent(EventEnvelope):
    """A video was deleted. Published after its jobs' subjects were purged from
    `ECHO_STATUS` (`echo.status.<owner_id>.<job_id>` for each of `job_ids`), so a reader
    that sees this fact finds none of those statuses in the stream any more. The notifier
    drops the jobs from open connections and tells their browsers."""

    event_type: Literal["video.deleted"] = Field(
        default="video.deleted", description="Discriminator naming the event."
    )
    job_ids: list[UUID] = Field(description="Every job the video had.")


class JobMessage(EventEnvelope):
    """Fields of every message about one job."""

    job_id: UUID = Field(description="The job this message is about.")
    kind: JobKind = Field(description="The job's kind.")
    attempt: int = Field(
        ge=1, description="Dispatch attempt: 1 for the upload, one more per re-dispatch."
    )


class JobRequestedCommand(JobMessage):
    """Run this job: sent to the worker of its kind on `echo.jobs.<kind>.requested`."""

    event_type: Literal["job.requested"] = Field(
        default="job.requested", description="Discriminator naming the message."
    )
    source: BlobRef = Field(description="The uploaded file in blob storage.")
    original_filename: str = Field(description="File name as the uploader sent it (display only).")


class JobCancelReason(StrEnum):
    """Why a job is being stopped."""

    CANCELLED = "cancelled"
    """The owner cancelled it."""
    VIDEO_DELETED = "video_deleted"
    """The owner deleted its video."""


class JobCancelCommand(JobMessage):
    """Stop this job and write nothing more: on `echo.jobs.<kind>.cancel.<job_id>`.

    Every replica of the kind's worker hears it; the one running the job stops within
    seconds and removes what it staged. A worker also looks for it (the last message on
    the job's cancel subject) before starting and before finishing a job, so a command
    redelivered after the cancel does no work. `attempt` is the last attempt dispatched.
    """

    event_type: Literal["job.cancel"] = Field(
        default="job.cancel", description="Discriminator naming the message."
    )
    reason: JobCancelReason = Field(description="Why the job is stopped.")


class JobEvent(JobMessage):
    """Fields of every event a worker reports about one of its jobs."""

    delivery: int = Field(
        default=1, ge=1, description="JetStream delivery of the command that produced it."
    )


class JobStartedEvent(JobEvent):
    """A worker began the job."""

    event_type: Literal["job.started"] = Field(
        default="job.started", description="Discriminator naming the event."
    )


class JobProgressEvent(JobEvent):
    """The job is alive and this far along (not state: never written to Postgres per tick)."""

    event_type: Literal["job.progress"] = Field(
        default="job.progress", description="Discriminator naming the event."
    )
    phase: JobPhase | None = Field(default=None, description="What the worker is doing now.")
    progress: float = Field(ge=0, le=100, description="Percent of the work done.")
    eta_seconds: float | None = Field(
        default=None, ge=0, description="Estimated seconds left, when it can be estimated honestly."
    )


class TranscodeResult(ContractModel):
    """What a finished transcode produced."""

    kind: Literal[JobKind.TRANSCODE] = Field(
        default=JobKind.TRANSCODE, description="Discriminator: a transcode result."
    )
    renditions: list[Rendition] = Field(
        min_length=1,
        description="The download (MP4, or M4A for audio-only sources), as before the ladder; "
        "`outputs` describes everything, this one included.",
    )
    master_playlist: BlobRef | None = Field(
        default=None,
        description="The HLS master playlist a player opens; its renditions are relative to it. "
        "Absent in results written before the ladder.",
    )
    outputs: list[TranscodeOutput] = Field(
        default_factory=list,
        description="Every output with its status: each ladder rung (ready, or skipped with the "
        "reason), the audio rendition and the download.",
    )
    duration_seconds: float | None = Field(
        default=None, ge=0, description="Duration of the ladder's longest rendition."
    )
    segment_seconds: float | None = Field(
        default=None, gt=0, description="Length of each HLS segment but the last."
    )


class MetadataResult(ContractModel):
    """What a finished metadata extraction produced."""

    kind: Literal[JobKind.METADATA] = Field(
        default=JobKind.METADATA, description="Discriminator: a metadata result."
    )
    probe: MediaProbe = Field(description="Container and stream description.")
    poster: BlobRef | None = Field(
        default=None,
        description="Poster JPEG (the largest of `posters`); absent for audio-only files.",
    )
    posters: list[PosterImage] = Field(
        default_factory=list,
        description="The poster in every width, largest first; empty for audio-only files.",
    )
    storyboard: Storyboard | None = Field(
        default=None, description="Scrubbing previews; absent for audio-only files."
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


JobStateChange = JobStartedEvent | JobCompletedEvent | JobFailedEvent
"""What the projector applies to Postgres."""

WorkerStateEvent = Annotated[JobStateChange, Field(discriminator="event_type")]


class JobStatusFields(ContractModel):
    """A job's recorded status: the one shape behind the status event and the live update."""

    job_id: UUID = Field(description="The job.")
    video_id: UUID = Field(description="Its video.")
    kind: JobKind = Field(description="The job's kind.")
    status: ProcessingStatus = Field(description="The job's status now.")
    progress: float = Field(ge=0, le=100, description="Percent done (100 when completed).")
    eta_seconds: float | None = Field(default=None, ge=0, description="Estimated seconds left.")
    error_code: JobErrorCode | None = Field(default=None, description="Set when failed.")
    error_message: str | None = Field(default=None, description="Set when failed.")
    video_status: ProcessingStatus = Field(description="The video's overall status now.")
    version: int = Field(ge=1, description="Per-job counter, one more per recorded change.")
    occurred_at: datetime = Field(default_factory=utc_now, description="When it was recorded.")


class JobStatusChangedEvent(EventEnvelope, JobStatusFields):
    """The gateway recorded a new state for a job; what the browser is told.

    Published after the database commit, so a client that reads the REST API on
    receiving it sees the same state. `version` grows by one per change.
    """

    event_type: Literal["job.status_changed"] = Field(
        default="job.status_changed", description="Discriminator naming the event."
    )
