"""`POST /api/videos`: store the file, then record the video and its jobs in one transaction.

The body streams into blob storage (`multipart.receive_file`). Content is not
inspected: an empty or non-video file is accepted and its jobs fail with a
readable reason, as the workers decide (resumable uploads probe it: `api/tus.py`).
The quota is checked against the declared length before reading and the real size
after.
"""

import logging
from uuid import UUID, uuid4

from fastapi import APIRouter, Request, Response
from starlette.requests import ClientDisconnect

from contracts.rest import VideoUploadResponseSchema
from services.common.blobs import source_key
from services.common.logging import log_context
from services.gateway.api import views
from services.gateway.api.deps import CurrentUser, Parts
from services.gateway.api.multipart import (
    ENVELOPE_ALLOWANCE,
    FILE_FIELD,
    MAX_TITLE,
    TITLE_FIELD,
    receive_file,
)
from services.gateway.api.problems import (
    COMMON_ERRORS,
    ApiError,
    MalformedUploadError,
    QuotaExceededError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
    problem_responses,
)
from services.gateway.api.quota import ensure_room
from services.gateway.parts import GatewayParts
from services.gateway.pipeline.intake import StoredUpload, record_upload
from services.gateway.storage import video_prefix

logger = logging.getLogger(__name__)

router = APIRouter(tags=["videos"])

UNTITLED = "Untitled video"

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
        *COMMON_ERRORS,
        MalformedUploadError,
        UploadTooLargeError,
        QuotaExceededError,
        UnsupportedMediaTypeError,
    ),
    openapi_extra={"requestBody": _UPLOAD_BODY},
)
async def upload_video(
    request: Request, response: Response, user: CurrentUser, parts: Parts
) -> VideoUploadResponseSchema:
    """Store the file, record the video and its pending jobs, and dispatch them."""
    video_id = uuid4()
    prefix = video_prefix(user.user_id, video_id)
    metrics = parts.metrics
    quota = parts.config.gateway.user_quota_bytes
    with log_context(video_id=video_id):
        try:
            declared = request.headers.get("content-length", "")
            if quota is not None and declared.isdigit():
                # The envelope's allowance off: never refuses a body that would fit.
                await _ensure_room(parts, user.user_id, int(declared) - ENVELOPE_ALLOWANCE)
            received = await receive_file(
                request,
                parts.store,
                source_key(user.user_id, video_id),
                parts.config.gateway.max_upload_bytes,
            )
            if quota is not None:
                await _ensure_room(parts, user.user_id, received.size_bytes)
            upload = StoredUpload(
                owner_id=user.user_id,
                video_id=video_id,
                key=received.key,
                title=(received.title or received.filename or UNTITLED)[:MAX_TITLE],
                original_filename=received.filename,
                content_type=received.content_type,
                size_bytes=received.size_bytes,
                sha256=received.sha256,
            )
            video, jobs = await record_upload(parts.db, upload)
        except BaseException as error:
            # Synchronous, so it also runs while being cancelled: usually an empty directory,
            # the stored file only when recording the upload failed.
            parts.store.delete_prefix(prefix)
            metrics.uploads.labels(_failure_outcome(error)).inc()
            if isinstance(error, ClientDisconnect):
                logger.info("upload abandoned by the client")
            raise
        parts.relay.wake()
        metrics.uploads.labels("accepted").inc()
        metrics.upload_bytes.inc(received.size_bytes)
        logger.info("upload stored: %d bytes", received.size_bytes)
    response.headers["Location"] = f"/api/videos/{video.id}"
    return VideoUploadResponseSchema(
        video=views.video(video), jobs=[views.job(job) for job in jobs]
    )


async def _ensure_room(parts: GatewayParts, owner_id: UUID, incoming: int) -> None:
    async with parts.db.service() as conn:
        await ensure_room(conn, owner_id, max(incoming, 0), parts.config.gateway.user_quota_bytes)


def _failure_outcome(error: BaseException) -> str:
    if isinstance(error, UploadTooLargeError):
        return "too_large"
    if isinstance(error, ApiError) and error.status < 500:
        return "invalid"
    return "aborted"
