"""`POST /api/videos`: store the file, then record the video and its jobs in one transaction.

The body streams into blob storage (`multipart.receive_file`). Content is not
inspected: an empty or non-video file is accepted and its jobs fail with a
readable reason, as the workers decide.
"""

import logging
from pathlib import PurePosixPath
from uuid import UUID, uuid4

from fastapi import APIRouter, Request, Response
from starlette.requests import ClientDisconnect

from contracts import subjects
from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobRef, VideoUploadedEvent
from contracts.media import BlobRef
from contracts.rest import VideoUploadResponseSchema
from services.common.blobs import source_key
from services.common.logging import log_context
from services.gateway import repository, views
from services.gateway.deps import CurrentUser, Gateway
from services.gateway.errors import (
    COMMON_ERRORS,
    ApiError,
    MalformedUploadError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
    problem_responses,
)
from services.gateway.job_state import enqueue_status
from services.gateway.multipart import (
    FILE_FIELD,
    MAX_TITLE,
    TITLE_FIELD,
    ReceivedFile,
    receive_file,
)
from services.gateway.outbox import enqueue
from services.gateway.state import GatewayState

logger = logging.getLogger(__name__)

router = APIRouter(tags=["videos"])

UNTITLED = "Untitled video"


def video_prefix(owner_id: UUID, video_id: UUID) -> str:
    """The blob prefix holding everything of one video (source and outputs)."""
    return PurePosixPath(source_key(owner_id, video_id)).parent.as_posix()


_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {
                    FILE_FIELD: {
                        "type": "string",
                        "format": "binary",
                        "description": "The video. Any file is accepted; the jobs report "
                        "files they cannot process.",
                    },
                    TITLE_FIELD: {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_TITLE,
                        "description": "Title; defaults to the file name.",
                    },
                },
            }
        }
    },
}


@router.post(
    "/api/videos",
    status_code=201,
    summary="Upload a video",
    response_model=VideoUploadResponseSchema,
    responses=problem_responses(
        *COMMON_ERRORS, MalformedUploadError, UploadTooLargeError, UnsupportedMediaTypeError
    ),
    openapi_extra={"requestBody": _UPLOAD_BODY},
)
async def upload_video(
    request: Request, response: Response, user: CurrentUser, gateway: Gateway
) -> VideoUploadResponseSchema:
    """Store the file, record the video and its pending jobs, and dispatch them."""
    video_id = uuid4()
    prefix = video_prefix(user.user_id, video_id)
    metrics = gateway.metrics
    with log_context(video_id=video_id):
        try:
            received = await receive_file(
                request,
                gateway.store,
                source_key(user.user_id, video_id),
                gateway.config.gateway.max_upload_bytes,
            )
            video, jobs = await _record(gateway, user.user_id, video_id, received)
        except BaseException as error:
            # Synchronous, so it also runs while being cancelled: usually an empty directory,
            # the stored file only when recording the upload failed.
            gateway.store.delete_prefix(prefix)
            metrics.uploads.labels(_failure_outcome(error)).inc()
            if isinstance(error, ClientDisconnect):
                logger.info("upload abandoned by the client")
            raise
        gateway.relay.wake()
        metrics.uploads.labels("accepted").inc()
        metrics.upload_bytes.inc(received.size_bytes)
        logger.info("upload stored: %d bytes", received.size_bytes)
    response.headers["Location"] = f"/api/videos/{video.id}"
    return VideoUploadResponseSchema(
        video=views.video(video), jobs=[views.job(job) for job in jobs]
    )


def _failure_outcome(error: BaseException) -> str:
    if isinstance(error, UploadTooLargeError):
        return "too_large"
    if isinstance(error, ApiError) and error.status < 500:
        return "invalid"
    return "aborted"


async def _record(
    gateway: GatewayState, owner_id: UUID, video_id: UUID, received: ReceivedFile
) -> tuple[repository.VideoRecord, list[repository.JobRecord]]:
    """One transaction: the video, its jobs, and the events announcing them."""
    job_ids = {kind: uuid4() for kind in JobKind}
    async with gateway.db.service() as conn:
        video, jobs = await repository.insert_upload(
            conn,
            video_id=video_id,
            owner_id=owner_id,
            title=(received.title or received.filename or UNTITLED)[:MAX_TITLE],
            original_filename=received.filename,
            content_type=received.content_type,
            size_bytes=received.size_bytes,
            checksum_sha256=received.sha256,
            source_key=received.key,
            job_ids=job_ids,
        )
        event = VideoUploadedEvent(
            video_id=video_id,
            owner_id=owner_id,
            source=BlobRef(
                key=received.key,
                size_bytes=received.size_bytes,
                sha256=received.sha256,
                content_type=received.content_type,
            ),
            original_filename=received.filename,
            jobs=[JobRef(job_id=job.id, kind=job.kind) for job in jobs],
        )
        await enqueue(
            conn, outbox_id=f"uploaded:{video_id}", subject=subjects.VIDEO_UPLOADED, event=event
        )
        for job in jobs:
            # The live view starts from the recorded state, `pending`, version 1.
            await enqueue_status(conn, job, ProcessingStatus.PENDING)
    return video, jobs
