"""Worker events about an upload, built as the workers build them (outputs written first)."""

import uuid
from pathlib import Path
from typing import Any

from contracts.enums import JobErrorCode, JobKind, RenditionKind
from contracts.errors import JobError
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobStartedEvent,
    MetadataResult,
    TranscodeResult,
)
from contracts.media import (
    AudioStreamInfo,
    BlobRef,
    MediaProbe,
    Rendition,
    VideoStreamInfo,
)
from services.common.blobs import output_key
from tests.gateway.conftest import job_ids

RENDITION_BYTES = bytes(range(256)) * 64  # 16 KiB with a recognisable pattern
POSTER_BYTES = b"\xff\xd8\xff\xe0" + b"jpeg" * 100


def _ids(upload: dict[str, Any], kind: JobKind) -> dict[str, Any]:
    video = upload["video"]
    return {
        "video_id": uuid.UUID(video["id"]),
        "owner_id": uuid.UUID(video["owner_id"]),
        "job_id": job_ids(upload)[kind],
        "kind": kind,
        "attempt": 1,
    }


def started(upload: dict[str, Any], kind: JobKind) -> JobStartedEvent:
    return JobStartedEvent(**_ids(upload, kind))


def progress(
    upload: dict[str, Any], kind: JobKind, percent: float, eta: float | None = None
) -> JobProgressEvent:
    return JobProgressEvent(**_ids(upload, kind), percent=percent, eta_seconds=eta)


def failed(
    upload: dict[str, Any], kind: JobKind, code: JobErrorCode = JobErrorCode.NOT_MEDIA
) -> JobFailedEvent:
    error = JobError(code=code, message="This file is not a video Echo can read.", retriable=False)
    return JobFailedEvent(**_ids(upload, kind), error=error)


def transcode_completed(
    upload: dict[str, Any], blob_root: Path, name: str = "mp4-240p"
) -> JobCompletedEvent:
    ids = _ids(upload, JobKind.TRANSCODE)
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
    ids = _ids(upload, JobKind.METADATA)
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
