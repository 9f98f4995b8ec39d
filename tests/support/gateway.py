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
from contracts.media import (
    AudioStreamInfo,
    BlobRef,
    MediaProbe,
    PosterImage,
    Rendition,
    Storyboard,
    VideoStreamInfo,
)
from contracts.outputs import OutputKind, OutputStatus, TranscodeOutput
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


MASTER_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,RESOLUTION=320x240,FRAME-RATE=25.000,CODECS="avc1.64000D,mp4a.40.2",AUDIO="audio"
240p/index.m3u8
"""
MEDIA_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:2
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:2.000000,
seg_00000.m4s
#EXT-X-ENDLIST
"""
INIT_BYTES = b"\x00\x00\x00\x18ftypiso6" + b"init" * 8
SEGMENT_BYTES = b"\x00\x00\x00\x10styp" + bytes(range(200))
POSTER_SMALL_BYTES = b"\xff\xd8\xff\xe0" + b"small" * 50
SPRITE_BYTES = b"\xff\xd8\xff\xe0" + b"sprite" * 80
STORYBOARD_VTT = """WEBVTT

00:00:00.000 --> 00:00:01.000
storyboard.jpg#xywh=0,0,160,120

00:00:01.000 --> 00:00:02.000
storyboard.jpg#xywh=160,0,160,120
"""
SKIPPED = "The source is 240p; renditions are never upscaled."


def _write(blob_root: Path, key: str, data: bytes, content_type: str) -> BlobRef:
    """Store `data` at `key` under the blob root, as a worker's committed output."""
    path = blob_root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return BlobRef(key=key, size_bytes=len(data), content_type=content_type)


def transcode_completed(
    upload: dict[str, Any], blob_root: Path, *, attempt: int = 1
) -> JobCompletedEvent:
    """A transcode as the worker reports it, its files written: a one-rung HLS ladder
    (240p, the source's size; the higher rungs skipped), its audio and the MP4 download."""
    ids = _ids(upload, JobKind.TRANSCODE, attempt)

    def key(path: str) -> str:
        return output_key(ids["owner_id"], ids["video_id"], "transcode", f"hls/{path}")

    mpegurl = "application/vnd.apple.mpegurl"
    for rung in ("240p", "audio"):
        _write(blob_root, key(f"{rung}/init.mp4"), INIT_BYTES, "video/mp4")
        _write(blob_root, key(f"{rung}/seg_00000.m4s"), SEGMENT_BYTES, "video/iso.segment")
    video = _write(blob_root, key("240p/index.m3u8"), MEDIA_PLAYLIST.encode(), mpegurl)
    audio = _write(blob_root, key("audio/index.m3u8"), MEDIA_PLAYLIST.encode(), mpegurl)
    download = _write(blob_root, key("download.mp4"), RENDITION_BYTES, "video/mp4")
    master = _write(blob_root, key("master.m3u8"), MASTER_PLAYLIST.encode(), mpegurl)
    picture: dict[str, Any] = {"width": 320, "height": 240, "frame_rate": 25.0}
    outputs = [
        *(
            TranscodeOutput(
                name=name, kind=OutputKind.HLS_VIDEO, status=OutputStatus.SKIPPED, reason=SKIPPED
            )
            for name in ("1080p", "720p", "480p", "360p")
        ),
        TranscodeOutput(
            name="240p",
            kind=OutputKind.HLS_VIDEO,
            status=OutputStatus.READY,
            file=video,
            size_bytes=len(INIT_BYTES) + len(SEGMENT_BYTES),
            codecs="avc1.64000D",
            segment_count=1,
            duration_seconds=2.0,
            **picture,
        ),
        TranscodeOutput(
            name="audio",
            kind=OutputKind.HLS_AUDIO,
            status=OutputStatus.READY,
            file=audio,
            size_bytes=len(INIT_BYTES) + len(SEGMENT_BYTES),
            codecs="mp4a.40.2",
            segment_count=1,
            duration_seconds=2.0,
        ),
        TranscodeOutput(
            name="download",
            kind=OutputKind.MP4,
            status=OutputStatus.READY,
            file=download,
            size_bytes=download.size_bytes,
            codecs="avc1.64000D,mp4a.40.2",
            duration_seconds=2.0,
            **picture,
        ),
    ]
    rendition = Rendition(
        name="mp4-240p",
        kind=RenditionKind.VIDEO,
        file=download,
        container="mp4",
        video_codec="h264",
        audio_codec="aac",
        width=320,
        height=240,
        duration_seconds=2.0,
    )
    result = TranscodeResult(
        renditions=[rendition],
        master_playlist=master,
        outputs=outputs,
        duration_seconds=2.0,
        segment_seconds=2.0,
    )
    return JobCompletedEvent(**ids, result=result)


def metadata_completed(upload: dict[str, Any], blob_root: Path) -> JobCompletedEvent:
    """A metadata extraction as the worker reports it, its pictures written: the probe, the
    poster in two sizes and a two-tile storyboard."""
    ids = _ids(upload, JobKind.METADATA, 1)

    def write(name: str, data: bytes, content_type: str) -> BlobRef:
        key = output_key(ids["owner_id"], ids["video_id"], "metadata", name)
        return _write(blob_root, key, data, content_type)

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
    posters = [
        PosterImage(file=write("poster.jpg", POSTER_BYTES, "image/jpeg"), width=320, height=240),
        PosterImage(
            file=write("poster-320.jpg", POSTER_SMALL_BYTES, "image/jpeg"), width=320, height=240
        ),
    ]
    storyboard = Storyboard(
        sprite=write("storyboard.jpg", SPRITE_BYTES, "image/jpeg"),
        vtt=write("storyboard.vtt", STORYBOARD_VTT.encode(), "text/vtt"),
        tile_width=160,
        tile_height=120,
        columns=2,
        count=2,
        interval_seconds=1.0,
    )
    result = MetadataResult(
        probe=probe, poster=posters[0].file, posters=posters, storyboard=storyboard
    )
    return JobCompletedEvent(**ids, result=result)


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
