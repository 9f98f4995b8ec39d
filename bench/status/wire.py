"""What a worker publishes about a job, in each release's format.

`before` is the release before issue 5: every event, progress included, on
`echo.jobs.<kind>.<event>` (stream ECHO_JOBS), progress as `percent`, delivery as
`attempt`; written here as plain dicts so this tree's contracts need not match it.
`after` is this tree: state events on `echo.jobs.<kind>.<event>`, progress on
`echo.progress.<owner>.<job>` (stream ECHO_PROGRESS), built from `contracts`.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from contracts import subjects
from contracts.enums import JobKind, JobPhase, RenditionKind
from contracts.events import (
    JobCompletedEvent,
    JobProgressEvent,
    JobStartedEvent,
    TranscodeResult,
)
from contracts.media import BlobRef, Rendition


@dataclass(frozen=True)
class Job:
    """A transcode job recorded by the gateway through a real upload."""

    owner_id: uuid.UUID
    video_id: uuid.UUID
    job_id: uuid.UUID

    def output(self) -> BlobRef:
        return BlobRef(
            key=f"videos/{self.owner_id}/{self.video_id}/transcode/720p.mp4", size_bytes=1
        )


@dataclass(frozen=True)
class Message:
    """One publish: subject, JSON body and the `Nats-Msg-Id` a worker would give it."""

    subject: str
    body: bytes
    msg_id: str


class Wire(Protocol):
    """A release's worker-side format."""

    name: str

    def started(self, job: Job) -> Message: ...

    def progress(self, job: Job, sequence: int, percent: float) -> Message: ...

    def completed(self, job: Job) -> Message: ...


def _rendition(job: Job) -> Rendition:
    return Rendition(
        name="mp4-720p",
        kind=RenditionKind.VIDEO,
        file=job.output(),
        container="mp4",
        video_codec="h264",
        audio_codec="aac",
        width=1280,
        height=720,
        duration_seconds=10.0,
    )


def _envelope(job: Job, event_type: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "schema_version": 1,
        "video_id": str(job.video_id),
        "owner_id": str(job.owner_id),
        "job_id": str(job.job_id),
        "kind": JobKind.TRANSCODE.value,
        "attempt": 1,
        "event_type": event_type,
    }


class BeforeWire:
    """The release before issue 5 (commit 65528c9)."""

    name = "before"

    def _message(self, job: Job, name: str, msg_id: str, **fields: Any) -> Message:
        body = _envelope(job, f"job.{name}") | fields
        return Message(f"echo.jobs.transcode.{name}", json.dumps(body).encode(), msg_id)

    def started(self, job: Job) -> Message:
        return self._message(job, "started", f"{job.job_id}:1:started")

    def progress(self, job: Job, sequence: int, percent: float) -> Message:
        return self._message(
            job,
            "progress",
            f"{job.job_id}:1:progress:{sequence}",
            percent=percent,
            eta_seconds=None,
        )

    def completed(self, job: Job) -> Message:
        result = TranscodeResult(renditions=[_rendition(job)]).model_dump(mode="json")
        return self._message(job, "completed", f"{job.job_id}:completed", result=result)


class AfterWire:
    """This tree's contracts."""

    name = "after"

    def started(self, job: Job) -> Message:
        event = JobStartedEvent(
            video_id=job.video_id,
            owner_id=job.owner_id,
            job_id=job.job_id,
            kind=JobKind.TRANSCODE,
            attempt=1,
        )
        subject = subjects.job_event(JobKind.TRANSCODE, subjects.JobStateEvent.STARTED)
        return Message(subject, event.model_dump_json().encode(), f"{job.job_id}:1:started")

    def progress(self, job: Job, sequence: int, percent: float) -> Message:
        event = JobProgressEvent(
            video_id=job.video_id,
            owner_id=job.owner_id,
            job_id=job.job_id,
            kind=JobKind.TRANSCODE,
            attempt=1,
            phase=JobPhase.TRANSCODING,
            progress=percent,
        )
        subject = subjects.job_progress(job.owner_id, job.job_id)
        return Message(
            subject, event.model_dump_json().encode(), f"{job.job_id}:1:progress:{sequence}"
        )

    def completed(self, job: Job) -> Message:
        event = JobCompletedEvent(
            video_id=job.video_id,
            owner_id=job.owner_id,
            job_id=job.job_id,
            kind=JobKind.TRANSCODE,
            attempt=1,
            result=TranscodeResult(renditions=[_rendition(job)]),
        )
        subject = subjects.job_event(JobKind.TRANSCODE, subjects.JobStateEvent.COMPLETED)
        return Message(subject, event.model_dump_json().encode(), f"{job.job_id}:1:completed")


WIRES: dict[str, Wire] = {"before": BeforeWire(), "after": AfterWire()}
