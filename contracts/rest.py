"""REST schemas; the names are the ones the frontend codes against."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, computed_field

from contracts.base import ContractModel
from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.media import MediaProbe, Rendition
from contracts.outputs import OutputKind, OutputStatus, TranscodeOutput
from contracts.problems import ProblemCode

TEXT_PATTERN = r"^[^\x00]*$"
"""Text Postgres can store: no NUL character (lone surrogates fail JSON-to-str already)."""
NAME_PATTERN = r"^[^\x00]*[^\s\x00-\x1f\x7f][^\x00]*$"
"""Text as `TEXT_PATTERN` with at least one visible character, so it is never empty
once surrounding white space is stripped (titles, tags)."""


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


class PosterSizeSchema(ContractModel):
    """One size the poster exists in."""

    width: int = Field(ge=1, description="Width in pixels.")
    height: int = Field(ge=1, description="Height in pixels.")


class StoryboardSchema(ContractModel):
    """How the storyboard's sprite is laid out (its files: `playback.storyboard_url` and
    `playback.storyboard_sprite_url`)."""

    tile_width: int = Field(ge=1, description="Width of one thumbnail in pixels.")
    tile_height: int = Field(ge=1, description="Height of one thumbnail in pixels.")
    columns: int = Field(ge=1, description="Thumbnails per row of the sprite.")
    count: int = Field(ge=1, description="Number of thumbnails (and of WebVTT cues).")
    interval_seconds: float = Field(gt=0, description="Time each thumbnail stands for.")


class VideoMetadataResponseSchema(MediaProbe):
    """Technical metadata of a video: the probe as stored, plus flat fields derived from it."""

    video_id: UUID = Field(description="The video.")
    poster_url: str | None = Field(default=None, description="Poster image URL.")
    posters: list[PosterSizeSchema] = Field(
        default_factory=list,
        description="The sizes the poster exists in, largest first (`playback.poster_url`, "
        "then `playback.poster_small_url`); empty for audio-only files.",
    )
    storyboard: StoryboardSchema | None = Field(
        default=None, description="The storyboard's layout; absent for audio-only files."
    )
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


class TranscodeOutputResponseSchema(ContractModel):
    """One output of a transcode (a ladder rung, its audio or the download), ready or not."""

    name: str = Field(description="Output name: `1080p` .. `240p`, `audio`, `download`.")
    kind: OutputKind = Field(description="What the output holds.")
    status: OutputStatus = Field(description="Whether it was written.")
    reason: str | None = Field(
        default=None, description="Why it was skipped or failed, for a person."
    )
    url: str | None = Field(
        default=None,
        description="Signed URL of its media playlist or file (no `Authorization` header "
        "needed; expires with `playback.expires_at`); ready outputs only.",
    )
    output: TranscodeOutput = Field(description="Technical description.")


class PlaybackLinksSchema(ContractModel):
    """Signed URLs a browser fetches without headers (`<video>`, hls.js, `<img>`).

    Each is scoped to this video's files and expires at `expires_at`; fetch the video
    again for fresh ones. Relative references inside an HLS playlist inherit the
    signature, so a player can fetch the whole ladder.
    """

    expires_at: datetime = Field(description="When these URLs stop working.")
    base_url: str = Field(
        description="Signed prefix of every file of the video: append a path relative to "
        "the video's folder (e.g. `transcode/hls/master.m3u8`)."
    )
    mp4_url: str | None = Field(default=None, description="The MP4 rendition, once transcoded.")
    hls_url: str | None = Field(default=None, description="The HLS master playlist, if produced.")
    poster_url: str | None = Field(default=None, description="The poster image, once extracted.")
    poster_small_url: str | None = Field(
        default=None,
        description="The poster's smallest size (320 wide, for lists), else the poster itself.",
    )
    storyboard_url: str | None = Field(
        default=None,
        description="The storyboard's WebVTT, once produced; its cues point into the sprite "
        "relatively (`storyboard.jpg#xywh=x,y,w,h`).",
    )
    storyboard_sprite_url: str | None = Field(
        default=None, description="The storyboard's sprite sheet JPEG, once produced."
    )
    source_url: str = Field(description="The original file as uploaded.")


class VideoWithJobsResponseSchema(VideoResponseSchema):
    """A video with its jobs, metadata and finished outputs."""

    playback: PlaybackLinksSchema | None = Field(
        default=None, description="Signed playback URLs (no `Authorization` header needed)."
    )

    jobs: list[VideoJobResponseSchema] = Field(description="Every job of the video.")
    metadata: VideoMetadataResponseSchema | None = Field(
        default=None, description="Set once the metadata job completed."
    )
    renditions: list[RenditionResponseSchema] = Field(
        default_factory=list, description="The download, once transcoded."
    )
    outputs: list[TranscodeOutputResponseSchema] = Field(
        default_factory=list,
        description="Every output of the completed transcode with its status: each ladder "
        "rung (ready, or skipped with the reason), the audio and the download.",
    )


class JobAttemptSchema(ContractModel):
    """A finished attempt of a job, kept when the job was retried."""

    attempt: int = Field(ge=1, description="Dispatch attempt it ended.")
    status: ProcessingStatus = Field(description="How it ended.")
    error_code: JobErrorCode | None = Field(default=None, description="Why it failed.")
    error_message: str | None = Field(default=None, description="Why it failed, in words.")
    started_at: datetime | None = Field(default=None, description="When a worker began it.")
    ended_at: datetime | None = Field(default=None, description="When it ended.")
    retried_at: datetime = Field(description="When the owner asked for a new attempt.")


class VideoJobWithDetailsResponseSchema(VideoJobResponseSchema):
    """A job with the video it belongs to and what it produced."""

    previous_attempts: list[JobAttemptSchema] = Field(
        default_factory=list, description="Earlier attempts, oldest first (kept on retry)."
    )

    video: VideoSummarySchema = Field(description="The job's video.")
    renditions: list[RenditionResponseSchema] = Field(
        default_factory=list, description="The download of a completed transcode job."
    )
    outputs: list[TranscodeOutputResponseSchema] = Field(
        default_factory=list,
        description="Every output of a completed transcode job with its status, as on the video.",
    )
    metadata: VideoMetadataResponseSchema | None = Field(
        default=None, description="Result of a completed metadata job."
    )


class VideoUploadResponseSchema(ContractModel):
    """What `POST /api/videos` answers: the stored video and its pending jobs."""

    video: VideoResponseSchema = Field(description="The recorded video.")
    jobs: list[VideoJobResponseSchema] = Field(description="Its jobs, all `pending`.")


class VideoMetadataUpdateRequestSchema(ContractModel):
    """Owner-editable descriptive fields of a video; omitted fields stay as they are.

    A request, not a message: the gateway is its only reader, so an unknown field is a
    client's typo and is refused (422) rather than silently dropped.
    """

    model_config = ConfigDict(extra="forbid")  # merged over ContractModel's

    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        pattern=NAME_PATTERN,
        description="Title; surrounding white space is stripped, a visible character required.",
    )
    description: str | None = Field(
        default=None, max_length=10_000, pattern=TEXT_PATTERN, description="Description."
    )
    tags: list[Annotated[str, Field(min_length=1, max_length=64, pattern=NAME_PATTERN)]] | None = (
        Field(
            default=None,
            max_length=50,
            description="Tags, each 1-64 characters with a visible one; stripped, duplicates "
            "dropped.",
        )
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


class UsageSchema(ContractModel):
    """What a user stores, against their quota."""

    used_bytes: int = Field(ge=0, description="Uploaded videos plus resumable uploads in progress.")
    quota_bytes: int | None = Field(default=None, description="The limit; null when unlimited.")
    videos: int = Field(ge=0, description="Videos stored.")
    uploads_in_progress: int = Field(ge=0, description="Resumable uploads not yet finished.")


class MeResponseSchema(ContractModel):
    """The signed-in user, as the access token says, and their usage."""

    user_id: UUID = Field(description="User id (the token's `sub`).")
    email: str | None = Field(default=None, description="E-mail from the token, if any.")
    usage: UsageSchema = Field(description="Stored bytes against the quota.")
    max_upload_bytes: int = Field(description="Largest single upload accepted.")


class HealthResponseSchema(ContractModel):
    """Liveness or readiness of a service."""

    status: Literal["ok", "unavailable"] = Field(description="`ok` when healthy.")
    service: str = Field(description="Service name.")
    checks: dict[str, bool] = Field(default_factory=dict, description="Each dependency checked.")
