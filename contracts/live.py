"""What the notifier and a browser say to each other over WebSocket and SSE.

Server to browser, each with a `type` naming it and a `sequence` (where to resume from):

- `job.status`, `JobStatusUpdate`: the gateway recorded a new state
  (from `JobStatusChangedEvent`); its `sequence` is its `ECHO_STATUS` stream sequence;
- `job.progress`, `JobProgressUpdate`: a running job reported progress
  (from `JobProgressEvent`);
- `snapshot.start` / `snapshot.end`, `SnapshotStart` / `SnapshotEnd`: the `job.status`
  messages between them are the current state of the user's jobs (the browser replaces
  what it holds); `SnapshotStart.reason` says why a snapshot came instead of a replay;
- `video.deleted`, `VideoDeleted`: forget these jobs;
- `auth.refreshed`, `AuthRefreshed`: a token sent with `auth.refresh` was accepted;
- `connection.closing`, `ConnectionClosing`: SSE only, the last event before the stream
  ends (a WebSocket says the same in its close frame).

Browser to server (WebSocket only): `auth.refresh`, `AuthRefresh`.

Every server message's `sequence` is the resume point: reconnect with it (`since` on the
WebSocket, `Last-Event-ID` on SSE, which EventSource sends by itself) to get exactly what
was recorded after it. `CloseReason` lists why the notifier ends a connection.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import Field

from contracts.base import ContractModel
from contracts.enums import JobKind, JobPhase, ProcessingStatus
from contracts.events import JobProgressEvent, JobStatusChangedEvent, JobStatusFields

SEQUENCE_DESCRIPTION = (
    "Resume point: reconnect with it (`since`, or SSE `Last-Event-ID`) to receive exactly "
    "what was recorded after this message. For `job.status` it is the message's own "
    "`ECHO_STATUS` sequence; for other types, that of the last status sent before it."
)


class JobStatusUpdate(JobStatusFields):
    """A job's new recorded state. Ignore one whose `version` is lower than one you have."""

    type: Literal["job.status"] = Field(default="job.status", description="Message type.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)

    @classmethod
    def of(cls, event: JobStatusChangedEvent, sequence: int = 0) -> Self:
        """The update relaying `event`, stored at `sequence` in `ECHO_STATUS`."""
        update = cls.model_validate(event, from_attributes=True)
        return update.model_copy(update={"sequence": sequence}) if sequence else update


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
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)

    @classmethod
    def of(cls, event: JobProgressEvent) -> Self:
        return cls.model_validate(event, from_attributes=True)


class SnapshotReason(StrEnum):
    """Why the notifier sends a snapshot."""

    CONNECT = "connect"
    """A connection without a resume point."""
    RESUME_TOO_OLD = "resume_too_old"
    """The resume point is older than the stream keeps, or too far behind to replay."""
    RESUME_UNKNOWN = "resume_unknown"
    """The resume point is ahead of the stream (it was recreated): start afresh."""


class SnapshotStart(ContractModel):
    """The `job.status` messages up to `snapshot.end` are the current state of your jobs
    (not finished, or finished recently); drop any job you hold that is not among them."""

    type: Literal["snapshot.start"] = Field(default="snapshot.start", description="Message type.")
    reason: SnapshotReason = Field(description="Why a snapshot and not a replay.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)


class SnapshotEnd(ContractModel):
    """The snapshot is complete; live messages follow."""

    type: Literal["snapshot.end"] = Field(default="snapshot.end", description="Message type.")
    jobs: int = Field(ge=0, description="How many `job.status` messages the snapshot held.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)


class VideoDeleted(ContractModel):
    """The video was deleted: forget its jobs; no message about them follows."""

    type: Literal["video.deleted"] = Field(default="video.deleted", description="Message type.")
    video_id: UUID = Field(description="The deleted video.")
    job_ids: list[UUID] = Field(description="Its jobs.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)


class AuthRefreshed(ContractModel):
    """The token sent with `auth.refresh` now authenticates this connection."""

    type: Literal["auth.refreshed"] = Field(default="auth.refreshed", description="Message type.")
    expires_at: datetime = Field(description="When the connection will close unless refreshed.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)


class CloseReason(StrEnum):
    """Why the notifier ended an open connection (the close frame's reason starts with it;
    on SSE it is `connection.closing`'s `reason`)."""

    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a reason, not a secret
    """The access token expired: reconnect with a fresh one (or refresh it in time)."""
    INVALID_TOKEN = "invalid_token"  # noqa: S105
    """`auth.refresh` sent a token that is not valid: reconnect with a valid one."""
    WRONG_USER = "wrong_user"
    """`auth.refresh` sent another user's token: a connection never changes user."""
    INVALID_MESSAGE = "invalid_message"
    """The client sent something that is not an `auth.refresh`."""
    SLOW_CONSUMER = "slow_consumer"
    """The client did not read fast enough and its buffer filled: reconnect and resume."""
    GOING_AWAY = "going_away"
    """The notifier is stopping: reconnect (another replica answers) and resume."""
    UNAVAILABLE = "unavailable"
    """What was missed could not be read from the bus right now: reconnect shortly."""


class ConnectionClosing(ContractModel):
    """SSE only: the stream ends now, for `reason`. Resume from `sequence` unless the
    reason is about the token, which needs a new one first."""

    type: Literal["connection.closing"] = Field(
        default="connection.closing", description="Message type."
    )
    reason: CloseReason = Field(description="Why the connection ends.")
    detail: str = Field(description="What to do, for people.")
    sequence: int = Field(default=0, ge=0, description=SEQUENCE_DESCRIPTION)


class AuthRefresh(ContractModel):
    """WebSocket, browser to server: authenticate this connection with a newer token of
    the same user before the current one expires. Answered by `auth.refreshed`; a token
    that is not valid, or another user's, closes the connection."""

    type: Literal["auth.refresh"] = Field(default="auth.refresh", description="Message type.")
    access_token: str = Field(description="A fresh access token of the same user.")


LiveUpdate = Annotated[JobStatusUpdate | JobProgressUpdate, Field(discriminator="type")]
"""A message about one job; branch on `type`."""

ServerMessage = (
    JobStatusUpdate
    | JobProgressUpdate
    | SnapshotStart
    | SnapshotEnd
    | VideoDeleted
    | AuthRefreshed
    | ConnectionClosing
)
LiveMessage = Annotated[ServerMessage, Field(discriminator="type")]
"""Any message the notifier sends; branch on `type`, ignore types you do not know."""

SERVER_MESSAGES: tuple[type[ServerMessage], ...] = (
    JobStatusUpdate,
    JobProgressUpdate,
    SnapshotStart,
    SnapshotEnd,
    VideoDeleted,
    AuthRefreshed,
    ConnectionClosing,
)
"""Every message type the notifier sends, in documentation order."""
