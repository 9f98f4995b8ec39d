"""REST schemas; the names are the ones the frontend codes against."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field, computed_field

from contracts.base import ContractModel
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.media import MediaProbe, Rendition
from contracts.problems import ProblemCode


class VideoSummarySchema(ContractModel):
    """A video as listed."""

    id: UUID = Field(description="Video id.")
    title: str = Field(description="Title (the file name until the owner sets one).")
    status: ProcessingStatus = Field(description="Overall status across the video's jobs.")
    duration_seconds: float | None = Field(default=None, description="Known once probed.")
    poster_url: str | None = Field(default=None, description="Poster image, once extracted.")
    created_at: datetime = Field(description="Upload time.")


class VideoResponseSchema(ContractModel):
    """A video."""

    id: UUID = Field(description="Video id.")
    owner_id: UUID = Field(description="The owner's user id.")
    title: str = Field(description="Title (the file name until the owner sets one).")
    description: str | None = Field(default=None, description="Owner-written description.")
    tags: list[str] = Field(default_factory=list, description="Owner-written tags.")
    original_filename: str = Field(description="File name as uploaded.")
    content_type: str | None = Field(default=None, description="MIME type the client declared.")
    size_bytes: int = Field(ge=0, description="Size of the uploaded file.")
    checksum_sha256: str = Field(description="Hex SHA-256 of the uploaded file.")
    status: ProcessingStatus = Field(description="Overall status across the video's jobs.")
    created_at: datetime = Field(description="Upload time.")
    updated_at: datetime = Field(description="Last change.")


class VideoJobResponseSchema(ContractModel):
    """A processing job."""

    id: UUID = Field(description="Job id.")
    video_id: UUID = Field(description="The video it processes.")
    kind: JobKind = Field(description="Transcode or metadata.")
    status: ProcessingStatus = Field(description="Job status.")
    progress: float = Field(ge=0, le=100, description="Percent done.")
    eta_seconds: float | None = Field(default=None, description="Estimated seconds left.")
    attempts: int = Field(ge=0, description="Times a worker started it.")
    error_code: JobErrorCode | None = Field(default=None, description="Set when failed.")
    error_message: str | None = Field(default=None, description="Set when failed.")
    retriable: bool | None = Field(default=None, description="Set when failed.")
    created_at: datetime = Field(description="When it was recorded.")
    started_at: datetime | None = Field(default=None, description="When a worker first began.")
    completed_at: datetime | None = Field(default=None, description="When it ended.")
    updated_at: datetime = Field(description="Last change.")


class VideoMetadataResponseSchema(MediaProbe):
    """Technical metadata of a video: the probe as stored, plus flat fields derived from it."""

    video_id: UUID = Field(description="The video.")
    poster_url: str | None = Field(default=None, description="Poster image URL.")
    created_at: datetime = Field(description="When it was extracted.")

    @computed_field(description="Primary video codec.")  # type: ignore[prop-decorator]
    @property
    def video_codec(self) -> str | None:
        return self.video.codec if self.video else None

    @computed_field(description="Display width (after rotation).")  # type: ignore[prop-decorator]
    @property
    def width(self) -> int | None:
        return self.video.display_width if self.video else None

    @computed_field(description="Display height (after rotation).")  # type: ignore[prop-decorator]
    @property
    def height(self) -> int | None:
        return self.video.display_height if self.video else None

    @computed_field(description="Frames per second.")  # type: ignore[prop-decorator]
    @property
    def frame_rate(self) -> float | None:
        return self.video.frame_rate if self.video else None

    @computed_field(description="Primary audio codec.")  # type: ignore[prop-decorator]
    @property
    def audio_codec(self) -> str | None:
        return self.audio.codec if self.audio else None

    @computed_field(description="Audio channels.")  # type: ignore[prop-decorator]
    @property
    def audio_channels(self) -> int | None:
        return self.audio.channels if self.audio else None

    @computed_field(description="Audio sample rate.")  # type: ignore[prop-decorator]
    @property
    def audio_sample_rate(self) -> int | None:
        return self.audio.sample_rate if self.audio else None


class RenditionResponseSchema(ContractModel):
    """A playable output and where to fetch it."""

    name: str = Field(description="Rendition name, e.g. `mp4-720p`.")
    url: str = Field(description="Authenticated download URL (supports HTTP range requests).")
    rendition: Rendition = Field(description="Technical description.")


class VideoWithJobsResponseSchema(VideoResponseSchema):
    """A video with its jobs, metadata and finished outputs."""

    jobs: list[VideoJobResponseSchema] = Field(description="Every job of the video.")
    metadata: VideoMetadataResponseSchema | None = Field(
        default=None, description="Set once the metadata job completed."
    )
    renditions: list[RenditionResponseSchema] = Field(
        default_factory=list, description="Finished outputs."
    )


class VideoJobWithDetailsResponseSchema(VideoJobResponseSchema):
    """A job with the video it belongs to and what it produced."""

    video: VideoSummarySchema = Field(description="The job's video.")
    renditions: list[RenditionResponseSchema] = Field(
        default_factory=list, description="Outputs of a completed transcode job."
    )
    metadata: VideoMetadataResponseSchema | None = Field(
        default=None, description="Result of a completed metadata job."
    )


class VideoUploadResponseSchema(ContractModel):
    """What `POST /api/videos` answers: the stored video and its pending jobs."""

    video: VideoResponseSchema = Field(description="The recorded video.")
    jobs: list[VideoJobResponseSchema] = Field(description="Its jobs, all `pending`.")


class VideoMetadataUpdateRequestSchema(ContractModel):
    """Owner-editable descriptive fields of a video; omitted fields stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=300, description="Title.")
    description: str | None = Field(default=None, max_length=10_000, description="Description.")
    tags: list[str] | None = Field(
        default=None, max_length=50, description="Tags, each 1-64 characters."
    )


class VideoListResponseSchema(ContractModel):
    """A page of the user's videos, newest first."""

    items: list[VideoSummarySchema] = Field(description="Videos on this page.")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page.")


class VideoJobListResponseSchema(ContractModel):
    """A page of the user's jobs, newest first."""

    items: list[VideoJobResponseSchema] = Field(description="Jobs on this page.")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page.")


class ProblemDetails(ContractModel):
    """An HTTP error, as RFC 9457 problem details with a machine-readable `code`."""

    type: str = Field(default="about:blank", description="URI naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="HTTP status code.")
    code: ProblemCode = Field(description="Machine-readable error code, e.g. `video_not_found`.")
    detail: str | None = Field(default=None, description="What happened in this case.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[dict[str, object]] | None = Field(
        default=None, description="Field-level validation errors, when the request was invalid."
    )


class HealthResponseSchema(ContractModel):
    """Liveness or readiness of a service."""

    status: Literal["ok", "unavailable"] = Field(description="`ok` when healthy.")
    service: str = Field(description="Service name.")
    checks: dict[str, bool] = Field(default_factory=dict, description="Each dependency checked.")
