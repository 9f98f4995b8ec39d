"""Enumerations shared by events, REST schemas and the database."""

from enum import StrEnum


class ProcessingStatus(StrEnum):
    """Lifecycle of a video and of each of its jobs (the frontend's vocabulary)."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in (ProcessingStatus.COMPLETED, ProcessingStatus.FAILED)


class JobKind(StrEnum):
    """The kinds of work recorded for every upload; one worker service per kind."""

    TRANSCODE = "transcode"
    METADATA = "metadata"


class JobPhase(StrEnum):
    """What a running job is doing now, for progress displays."""

    PROBING = "probing"
    """Reading the source's container and streams."""
    TRANSCODING = "transcoding"
    """Decoding the source and encoding the outputs."""
    PACKAGING = "packaging"
    """Writing playlists and finishing output files."""
    EXTRACTING = "extracting"
    """Making pictures (poster, storyboard) from the source."""


class JobErrorCode(StrEnum):
    """Why a job failed, in words a program can branch on.

    The matching human sentence travels next to the code in `JobError.message`.
    """

    NOT_MEDIA = "not_media"
    """The file is not audio or video that Echo can read (wrong kind of file, empty)."""
    UNSUPPORTED_FORMAT = "unsupported_format"
    """A container Echo does not accept (for example a playlist or a concat list)."""
    UNSUPPORTED_CODEC = "unsupported_codec"
    """A stream whose codec Echo does not decode."""
    DAMAGED_MEDIA = "damaged_media"
    """The file is truncated or corrupt: decoding stopped before its end."""
    NO_PLAYABLE_STREAM = "no_playable_stream"
    """No audio or video stream in the file could be decoded."""
    LIMIT_EXCEEDED = "limit_exceeded"
    """Duration, resolution, size or processing time is over the configured limit."""
    SOURCE_MISSING = "source_missing"
    """The uploaded file is no longer in blob storage."""
    CANCELLED = "cancelled"
    """The owner cancelled the job (or deleted its video) before it finished."""
    STALLED = "stalled"
    """No worker reported on the job within its deadline, after every retry."""
    INTERNAL = "internal_error"
    """An unexpected error inside Echo; retried, then reported with this code."""


class RenditionKind(StrEnum):
    """What a transcode output holds."""

    VIDEO = "video"
    AUDIO_ONLY = "audio_only"
