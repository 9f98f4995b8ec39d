"""Builders shared by the transcoder tests: uploads in a blob root, job contexts, bus reads."""

import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from faststream.asgi import AsgiFastStream
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo
from pydantic import TypeAdapter

from contracts.enums import JobKind
from contracts.events import JobRef, VideoUploadedEvent, WorkerJobEvent
from contracts.media import BlobRef
from contracts.streams import TRANSCODER
from services.common.blobs import LocalBlobStore, source_key
from services.common.media import MediaLimits
from services.common.worker import JobContext
from services.transcoder.settings import TranscoderSettings

_T = TypeVar("_T")
_JOB_EVENT: TypeAdapter[WorkerJobEvent] = TypeAdapter(WorkerJobEvent)


def upload(
    store: LocalBlobStore,
    path: Path,
    kinds: tuple[JobKind, ...] = (JobKind.TRANSCODE, JobKind.METADATA),
) -> VideoUploadedEvent:
    """Put `path` in the blob store as a new upload and describe it as the gateway would."""
    owner_id, video_id = uuid.uuid4(), uuid.uuid4()
    key = source_key(owner_id, video_id)
    target = store.path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return VideoUploadedEvent(
        video_id=video_id,
        owner_id=owner_id,
        source=BlobRef(key=key, size_bytes=target.stat().st_size),
        original_filename=path.name,
        jobs=[JobRef(job_id=uuid.uuid4(), kind=kind) for kind in kinds],
    )


@dataclass
class Reports:
    """Progress reported by a job, in order."""

    items: list[tuple[float, float | None]] = field(default_factory=list)

    def __call__(self, percent: float, eta_seconds: float | None) -> None:
        self.items.append((percent, eta_seconds))


def job_context(
    store: LocalBlobStore,
    event: VideoUploadedEvent,
    *,
    reports: Reports | None = None,
    cancelled: threading.Event | None = None,
    limits: MediaLimits | None = None,
) -> JobContext:
    """What `run_job` hands the work function, built directly."""
    job = event.job_of_kind(JobKind.TRANSCODE)
    assert job is not None
    return JobContext(
        event=event,
        job=job,
        attempt=1,
        source_path=store.path(event.source.key),
        store=store,
        limits=limits or MediaLimits(),
        cancelled=cancelled or threading.Event(),
        _report=reports if reports is not None else Reports(),
    )


def partial_files(root: Path) -> list[Path]:
    """Staged outputs left anywhere under a blob root."""
    return sorted(root.rglob("*.partial"))


@dataclass
class Worker:
    """A transcoder app running in this process against the test NATS server."""

    app: AsgiFastStream
    js: JetStreamContext
    store: LocalBlobStore
    settings: TranscoderSettings

    async def consumer(self) -> ConsumerInfo:
        info: ConsumerInfo = await self.js.consumer_info(TRANSCODER.stream, TRANSCODER.durable)
        return info


def worker_settings(**overrides: float | str) -> TranscoderSettings:
    """Settings for tests: quick progress, a fast preset, nothing from the environment."""
    values: dict[str, float | str] = {
        "ack_wait_seconds": 10,
        "progress_interval_seconds": 0.1,
        "retry_base_delay_seconds": 0.2,
        "preset": "ultrafast",
        "port": 0,
    }
    return TranscoderSettings.model_validate(values | overrides)
