"""`/media/<token>/<path>`: a video's files for players that send no headers.

The token (`signing`) names the owner, the video and the part of its folder it opens;
the path is checked against it, hidden files (partial outputs) are never served, and
the video must still exist. Byte ranges are answered for seeking (`206`); a range
outside the file is a `416` problem. Where the blob store can presign its own URL,
the answer is a redirect to it.
"""

import asyncio
import mimetypes
import os
import time
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse

from services.gateway.api.deps import Parts
from services.gateway.api.files import check_range
from services.gateway.api.problems import (
    InvalidRequestError,
    MediaFileNotFoundError,
    RangeNotSatisfiableError,
    SignatureInvalidError,
    problem_responses,
)
from services.gateway.api.signing import Grant
from services.gateway.db import videos
from services.gateway.db.records import VideoRecord
from services.gateway.storage import video_prefix

router = APIRouter(prefix="/media", tags=["playback"])

MEDIA_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".m4a": "audio/mp4",
    ".m4s": "video/iso.segment",
    ".ts": "video/mp2t",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".png": "image/png",
    ".vtt": "text/vtt",
    ".webm": "video/webm",
}
_MAX_CACHE_SECONDS = 300
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file.",
        "content": dict.fromkeys(sorted(set(MEDIA_TYPES.values())), _BINARY)
        | {"application/octet-stream": _BINARY},
    },
    206: {
        "description": "The requested byte range.",
        "content": {"video/mp4": _BINARY, "multipart/byteranges": _BINARY},
    },
    307: {"description": "Fetch it from the blob store's own signed URL (`Location`)."},
    **problem_responses(
        SignatureInvalidError, MediaFileNotFoundError, RangeNotSatisfiableError, InvalidRequestError
    ),
}

Token = Annotated[str, PathParam(description="The signature from the playback links.")]
FilePath = Annotated[str, PathParam(description="Path inside the video's folder.")]


def _inside(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        bool(path)
        and str(pure) == path
        and not pure.is_absolute()
        and all(part not in ("", ".", "..") and not part.startswith(".") for part in pure.parts)
    )


def _media_type(video: VideoRecord, path: str) -> str:
    if path == "source":
        return video.content_type or "application/octet-stream"
    suffix = PurePosixPath(path).suffix.lower()
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


async def _resolve(parts: Parts, token: str, path: str) -> tuple[Grant, VideoRecord, str]:
    grant = parts.signer.grant(token)
    if not _inside(path) or not grant.allows(path):
        raise SignatureInvalidError("This playback URL does not open that file.")
    async with parts.db.as_user(grant.owner_id) as conn:
        video = await videos.get_video(conn, grant.owner_id, grant.video_id)
    if video is None:
        raise MediaFileNotFoundError("The video no longer exists.")
    return grant, video, f"{video_prefix(video.owner_id, video.id)}/{path}"


async def _serve(request: Request, parts: Parts, token: str, path: str) -> Response:
    grant, video, key = await _resolve(parts, token, path)
    remaining = max(int(grant.expires_at - time.time()), 1)
    presigned = parts.storage.presigned_url(key, remaining)
    if presigned is not None:
        return RedirectResponse(presigned, status_code=307)
    located = await asyncio.to_thread(parts.storage.local_path, key)
    if located is None:
        raise MediaFileNotFoundError(f"The video has no file {path!r} (yet).")
    stat = await asyncio.to_thread(os.stat, located)
    check_range(request.headers.get("range"), stat.st_size)
    return FileResponse(
        located,
        stat_result=stat,
        media_type=_media_type(video, path),
        headers={"Cache-Control": f"private, max-age={min(remaining, _MAX_CACHE_SECONDS)}"},
    )


@router.get(
    "/{token}/{path:path}",
    name="media_get",
    summary="A file of a video, through its signed playback URL (no headers needed)",
    response_class=Response,
    responses=_RESPONSES,
)
async def media_get(token: Token, path: FilePath, request: Request, parts: Parts) -> Response:
    return await _serve(request, parts, token, path)


@router.head(
    "/{token}/{path:path}",
    name="media_head",
    summary="Size and type of a video's file, through its signed playback URL",
    response_class=Response,
    responses=_RESPONSES,
)
async def media_head(token: Token, path: FilePath, request: Request, parts: Parts) -> Response:
    return await _serve(request, parts, token, path)
