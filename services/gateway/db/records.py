"""Rows as the gateway reads them: frozen models whose fields are the table's columns.

`JobRecord` is the one shape of a job inside the gateway: the state machine
returns an updated copy of it, the REST schema is validated from it, and the
status event is derived from it (`status_event`).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.rows import kwargs_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict, field_validator

from contracts.enums import JobErrorCode, JobKind, ProcessingStatus
from contracts.events import JobStatusChangedEvent
from contracts.media import MediaProbe


class Record(BaseModel):
    """A row as read; values are converted to the contract types on the way in."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class VideoRecord(Record):
    id: UUID
    owner_id: UUID
    title: str
    description: str | None
    tags: list[str]
    original_filename: str
    content_type: str | None
    size_bytes: int
    checksum_sha256: str
    source_key: str
    status: ProcessingStatus
    created_at: datetime
    updated_at: datetime


class VideoListRecord(Record):
    """A video with what its summary shows from the probe."""

    id: UUID
    title: str
    status: ProcessingStatus
    created_at: datetime
    duration_seconds: float | None
    poster_key: str | None


class JobRecord(Record):
    id: UUID
    video_id: UUID
    owner_id: UUID
    kind: JobKind
    status: ProcessingStatus
    progress: float
    eta_seconds: float | None
    attempts: int
    """Times a worker started the job."""
    dispatch_count: int
    """Commands sent for the job: its latest dispatch attempt."""
    error_code: JobErrorCode | None
    error_message: str | None
    retriable: bool | None
    result: dict[str, Any] | None
    version: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    last_event_at: datetime

    @field_validator("progress")
    @classmethod
    def _round_progress(cls, value: float) -> float:
        return round(value, 2)  # stored as `real`: 33.3 reads back as 33.299999...

    @field_validator("eta_seconds")
    @classmethod
    def _round_eta(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    def status_event(self, video_status: ProcessingStatus) -> JobStatusChangedEvent:
        """This recorded state as the status event announces it (and the live update)."""
        return JobStatusChangedEvent.model_validate(
            {
                **self.model_dump(include=_STATUS_COLUMNS),
                "job_id": self.id,
                "video_status": video_status,
                "occurred_at": self.updated_at,
            }
        )


_STATUS_COLUMNS = set(JobStatusChangedEvent.model_fields) & set(JobRecord.model_fields)


class MetadataRecord(Record):
    video_id: UUID
    owner_id: UUID
    probe: MediaProbe
    poster_key: str | None
    created_at: datetime
    updated_at: datetime


def columns(record: type[Record], table: str = "") -> str:
    """The select list of `record`'s fields, optionally qualified by a table alias."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + name for name in record.model_fields)


VIDEO_COLUMNS = columns(VideoRecord)
JOB_COLUMNS = columns(JobRecord)
METADATA_COLUMNS = columns(MetadataRecord)

video_row = kwargs_row(VideoRecord)
video_list_row = kwargs_row(VideoListRecord)
job_row = kwargs_row(JobRecord)
metadata_row = kwargs_row(MetadataRecord)


def jsonb(value: Any) -> Jsonb:
    """A value to store in a `jsonb` column."""
    return Jsonb(value)
