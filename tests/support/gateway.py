"""Test helpers for the gateway: a started gateway with an HTTP client on it, worker state
events built and published as the workers do (outputs written first), and row reads."""

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import psycopg
from fastapi import FastAPI
from nats.js import JetStreamContext
from pydantic import SecretStr

from contracts import subjects
from contracts.enums import JobErrorCode, JobKind, RenditionKind
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobStartedEvent,
    JobStateChange,
    MetadataResult,
    TranscodeResult,
)
from contracts.media import AudioStreamInfo, BlobRef, MediaProbe, Rendition, VideoStreamInfo
from contracts.streams import JOBS, PROJECTOR
from services.common.blobs import output_key
from services.common.bus import MSG_ID_HEADER, state_event_msg_id
from services.common.settings import AuthSettings, BlobSettings, BusSettings, DatabaseSettings
from services.gateway.parts import GatewayParts
from services.gateway.settings import GatewayConfig, GatewaySettings
from tests.support.bus import eventually

# Reconciler far away unless a test asks for it, so it never interferes.
QUIET = {"reconciler_interval_seconds": 3600.0, "outbox_poll_interval_seconds": 0.2}
SIGNING_KEY = "test-signing-key-" + "k" * 32

RENDITION_BYTES = bytes(range(256)) * 64  # 16 KiB with a recognisable pattern
POSTER_BYTES = b"\xff\xd8\xff\xe0" + b"jpeg" * 100


@dataclass
class Gateway:
    """A running gateway and a client speaking to it."""

    app: FastAPI
    client: httpx.AsyncClient
    parts: GatewayParts

    def metric(self, name: str, **labels: str) -> float:
        """A sample of the gateway's Prometheus registry (0 when not yet recorded)."""
        value = self.parts.metrics.registry.get_sample_value(name, labels)
        return value or 0.0

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def upload(
        self,
        token: str,
        content: bytes = b"not really a video",
        *,
        filename: str = "clip.mp4",
        title: str | None = None,
        content_type: str = "video/mp4",
    ) -> httpx.Response:
        data = {"title": title} if title is not None else None
        return await self.client.post(
            "/api/videos",
            headers=self.auth(token),
            files={"file": (filename, content, content_type)},
            data=data,
        )

    async def upload_ok(
        self, token: str, content: bytes = b"bytes", **kwargs: Any
    ) -> dict[str, Any]:
        response = await self.upload(token, content, **kwargs)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


class StartGateway(Protocol):
    def __call__(self, **overrides: Any) -> contextlib.AbstractAsyncContextManager[Gateway]: ...


def make_config(
    database_url: str, nats_url: str, blob_root: Path, jwt_secret: str, **overrides: Any
) -> GatewayConfig:
    """A gateway's configuration on the test servers, with `GatewaySettings` overrides."""
    return GatewayConfig(
        gateway=GatewaySettings(**{**QUIET, "signing_key": SecretStr(SIGNING_KEY), **overrides}),
        database=DatabaseSettings(database_url=SecretStr(database_url)),
        bus=BusSettings(nats_url=nats_url),
        blobs=BlobSettings(blob_root=blob_root),
        auth=AuthSettings(jwt_secret=SecretStr(jwt_secret)),
    )


def job_ids(upload: dict[str, Any]) -> dict[JobKind, uuid.UUID]:
    """The job ids of an upload response, by kind."""
    return {JobKind(job["kind"]): uuid.UUID(job["id"]) for job in upload["jobs"]}


def _ids(upload: dict[str, Any], kind: JobKind, attempt: int) -> dict[str, Any]:
    video = upload["video"]
    return {
        "video_id": uuid.UUID(video["id"]),
        "owner_id": uuid.UUID(video["owner_id"]),
        "job_id": job_ids(upload)[kind],
        "kind": kind,
        "attempt": attempt,
    }


def started(upload: dict[str, Any], kind: JobKind, *, attempt: int = 1) -> JobStartedEvent:
    return JobStartedEvent(**_ids(upload, kind, attempt))


def progress(
    upload: dict[str, Any], kind: JobKind, percent: float, eta: float | None = None
) -> JobProgressEvent:
    return JobProgressEvent(**_ids(upload, kind, 1), progress=percent, eta_seconds=eta)


def failed(
    upload: dict[str, Any], kind: JobKind, code: JobErrorCode = JobErrorCode.NOT_MEDIA
) -> JobFailedEvent:
    error = JobError(code=code, message="This file is not a video Echo can read.", retriable=False)
    return JobFailedEvent(**_ids(upload, kind, 1), error=error)


def transcode_completed(
    upload: dict[str, Any], blob_root: Path, name: str = "mp4-240p", *, attempt: int = 1
) -> JobCompletedEvent:
    ids = _ids(upload, JobKind.TRANSCODE, attempt)
    key = output_key(ids["owner_id"], ids["video_id"], "transcode", f"{name}.mp4")
    (blob_root / key).parent.mkdir(parents=True, exist_ok=True)
    (blob_root / key).write_bytes(RENDITION_BYTES)
    rendition = Rendition(
        name=name,
        kind=RenditionKind.VIDEO,
        file=BlobRef(key=key, size_bytes=len(RENDITION_BYTES), content_type="video/mp4"),
        container="mp4",
        video_codec="h264",
        audio_codec="aac",
        width=320,
        height=240,
        duration_seconds=2.0,
    )
    return JobCompletedEvent(**ids, result=TranscodeResult(renditions=[rendition]))


def metadata_completed(upload: dict[str, Any], blob_root: Path) -> JobCompletedEvent:
    ids = _ids(upload, JobKind.METADATA, 1)
    key = output_key(ids["owner_id"], ids["video_id"], "metadata", "poster.jpg")
    (blob_root / key).parent.mkdir(parents=True, exist_ok=True)
    (blob_root / key).write_bytes(POSTER_BYTES)
    probe = MediaProbe(
        container_format="mov,mp4,m4a,3gp,3g2,mj2",
        duration_seconds=2.0,
        size_bytes=int(upload["video"]["size_bytes"]),
        bit_rate=400_000,
        video=VideoStreamInfo(
            index=0,
            codec="h264",
            profile="High",
            width=240,
            height=320,
            display_width=320,
            display_height=240,
            rotation=90,
            frame_rate=25.0,
            pixel_format="yuv420p",
        ),
        audio=AudioStreamInfo(
            index=1, codec="aac", channels=2, channel_layout="stereo", sample_rate=44100
        ),
        stream_count=2,
    )
    poster = BlobRef(key=key, size_bytes=len(POSTER_BYTES), content_type="image/jpeg")
    return JobCompletedEvent(**ids, result=MetadataResult(probe=probe, poster=poster))


def _state_name(event: JobStateChange) -> subjects.JobStateEvent:
    return subjects.JobStateEvent(event.event_type.removeprefix("job."))


async def publish_job_event(
    js: JetStreamContext, event: JobStateChange, *, msg_id: str | None = None
) -> None:
    """Publish a worker's state event to ECHO_JOBS as a worker does (stored, with its id)."""
    name = _state_name(event)
    await js.publish(
        subjects.job_event(event.kind, name),
        event.model_dump_json().encode(),
        stream=JOBS.name,
        headers={
            MSG_ID_HEADER: msg_id
            or state_event_msg_id(event.job_id, event.attempt, event.delivery, name)
        },
    )


async def publish_progress(js: JetStreamContext, event: JobProgressEvent) -> None:
    """Publish a worker's progress tick on its per-owner subject (stream ECHO_PROGRESS)."""
    await js.publish(
        subjects.job_progress(event.owner_id, event.job_id),
        event.model_dump_json().encode(),
        headers={MSG_ID_HEADER: str(event.event_id)},
    )


async def projector_settled(js: JetStreamContext) -> None:
    """Every state event delivered and acked: nothing pending, nothing awaiting an ack."""

    async def idle() -> bool:
        info = await js.consumer_info(PROJECTOR.stream, PROJECTOR.durable)
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    await eventually(idle, what="projector consumer idle")


def job_row(dsn: str, job_id: uuid.UUID) -> dict[str, Any]:
    """A job's row, with its video's status as `video_status`."""
    with psycopg.connect(dsn) as conn:
        cursor = conn.execute(
            "select j.*, v.status as video_status from video_jobs j"
            " join videos v on v.id = j.video_id where j.id = %s",
            (job_id,),
        )
        row = cursor.fetchone()
        assert row is not None
        assert cursor.description is not None
        return dict(zip([column.name for column in cursor.description], row, strict=True))


def outbox_ids(dsn: str) -> list[str]:
    """Every outbox row id, oldest first."""
    with psycopg.connect(dsn) as conn:
        return [row[0] for row in conn.execute("select id from event_outbox order by created_at")]
