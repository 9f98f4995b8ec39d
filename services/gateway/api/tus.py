"""Resumable uploads over tus 1.0 (`/api/uploads`): what tus-js-client, Uppy and tuspy speak.

Why a module of our own rather than a library: the tus servers for Starlette/FastAPI
we looked at (e.g. `tuspyserver`) keep upload state in files beside the bytes and
write to a local directory, where Echo needs the state in Postgres next to the
quota, bytes in the blob store, and a hook after the first megabytes to refuse
non-media. The protocol subset is small (`tus_protocol`); the work is in `resumable`.

The finished upload is a video with the same id: the last PATCH answers
`Echo-Video-Location: /api/videos/<id>`.
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response

from services.gateway.api.deps import CurrentUser, Parts
from services.gateway.api.multipart import MAX_TITLE, clean_filename, clean_text
from services.gateway.api.problems import (
    COMMON_ERRORS,
    ChecksumMismatchError,
    NotMediaError,
    OffsetMismatchError,
    QuotaExceededError,
    TusRequestError,
    TusVersionError,
    UnsupportedMediaTypeError,
    UploadBusyError,
    UploadExpiredError,
    UploadNotFoundError,
    UploadTooLargeError,
    problem_responses,
)
from services.gateway.api.resumable import NewUpload, UploadState
from services.gateway.api.tus_protocol import (
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    discovery_headers,
    encode_metadata,
    http_date,
    non_negative,
    parse_checksum,
    parse_metadata,
    require_version,
)

router = APIRouter(prefix="/api/uploads", tags=["uploads"])

UNTITLED = "Untitled video"
UploadId = Annotated[UUID, Path(description="Upload id (the video's id once finished).")]


def _header(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


_VERSION = _header("Tus-Resumable", f"Must be `{TUS_VERSION}`.", required=True)
_CHUNK_BODY = {"content": {OFFSET_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
_NO_CONTENT = {"description": "Done; the headers say where the upload stands."}


def _is_chunk(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip() == OFFSET_CONTENT_TYPE


def _progress_headers(state: UploadState) -> dict[str, str]:
    headers = {"Tus-Resumable": TUS_VERSION, "Upload-Offset": str(state.offset)}
    if state.expires_at is not None:
        headers["Upload-Expires"] = http_date(state.expires_at)
    if state.video is not None:
        headers["Echo-Video-Location"] = f"/api/videos/{state.video.id}"
    return headers


@router.options(
    "",
    name="uploads_discover",
    summary="Discover the resumable-upload protocol (tus) this server speaks",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "Capabilities in the `Tus-*` headers."}},
)
async def discover(parts: Parts) -> Response:
    return Response(
        status_code=204, headers=discovery_headers(parts.config.gateway.max_upload_bytes)
    )


@router.post(
    "",
    name="uploads_create",
    summary="Start a resumable upload (tus creation, optionally with its first bytes)",
    status_code=201,
    response_class=Response,
    responses={
        201: {"description": "Created; `Location` is where to send the bytes."},
        **problem_responses(
            *COMMON_ERRORS,
            TusRequestError,
            TusVersionError,
            UploadTooLargeError,
            QuotaExceededError,
            NotMediaError,
            ChecksumMismatchError,
        ),
    },
    openapi_extra={
        "parameters": [
            _VERSION,
            _header("Upload-Length", "Size of the whole file in bytes.", required=True),
            _header(
                "Upload-Metadata",
                "`key base64(value)` pairs: `filename`, `filetype`, `title` are used.",
            ),
        ],
        "requestBody": {"required": False, **_CHUNK_BODY},
    },
)
async def create(request: Request, user: CurrentUser, parts: Parts) -> Response:
    require_version(request)
    if request.headers.get("upload-defer-length") is not None:
        raise TusRequestError("`Upload-Defer-Length` is not supported; send `Upload-Length`.")
    length = non_negative(request, "upload-length")
    if length is None:
        raise TusRequestError("Send the file's size as `Upload-Length`.")
    declared = non_negative(request, "content-length") or 0
    if declared and not _is_chunk(request):
        raise UnsupportedMediaTypeError(f"Send the first bytes as `{OFFSET_CONTENT_TYPE}`.")
    metadata = parse_metadata(request.headers.get("upload-metadata"))
    filename = clean_filename((metadata.get("filename") or metadata.get("name") or "").encode())
    title = clean_text(metadata.get("title", ""))[:MAX_TITLE] or filename[:MAX_TITLE] or UNTITLED
    content_type = clean_text(metadata.get("filetype") or metadata.get("type") or "")[:255]
    checksum = parse_checksum(request.headers.get("upload-checksum"))
    upload = await parts.uploads.create(
        NewUpload(
            owner_id=user.user_id,
            length=length,
            metadata=metadata,
            title=title,
            filename=filename,
            content_type=content_type or None,
        )
    )
    location = f"{parts.links.base_or(str(request.base_url))}/api/uploads/{upload.id}"
    state = UploadState(
        id=upload.id,
        offset=0,
        length=length,
        metadata=metadata,
        expires_at=upload.expires_at,
    )
    if declared or length == 0:
        state = await parts.uploads.append(
            user.user_id,
            upload.id,
            0,
            request.stream(),
            checksum=checksum,
            content_length=declared,
        )
    return Response(status_code=201, headers={"Location": location, **_progress_headers(state)})


@router.head(
    "/{upload_id}",
    name="uploads_head",
    summary="Where a resumable upload stands (tus)",
    status_code=204,
    response_class=Response,
    responses={
        204: _NO_CONTENT,
        **problem_responses(
            *COMMON_ERRORS, TusVersionError, UploadNotFoundError, UploadExpiredError
        ),
    },
    openapi_extra={"parameters": [_VERSION]},
)
async def head(upload_id: UploadId, request: Request, user: CurrentUser, parts: Parts) -> Response:
    require_version(request)
    state = await parts.uploads.state(user.user_id, upload_id)
    headers = {
        **_progress_headers(state),
        "Upload-Length": str(state.length),
        "Cache-Control": "no-store",
    }
    if state.metadata:
        headers["Upload-Metadata"] = encode_metadata(state.metadata)
    return Response(status_code=204, headers=headers)


@router.patch(
    "/{upload_id}",
    name="uploads_append",
    summary="Send the next bytes of a resumable upload (tus)",
    status_code=204,
    response_class=Response,
    responses={
        204: _NO_CONTENT,
        **problem_responses(
            *COMMON_ERRORS,
            TusRequestError,
            TusVersionError,
            UnsupportedMediaTypeError,
            UploadNotFoundError,
            UploadExpiredError,
            OffsetMismatchError,
            UploadBusyError,
            UploadTooLargeError,
            ChecksumMismatchError,
            QuotaExceededError,
            NotMediaError,
        ),
    },
    openapi_extra={
        "parameters": [
            _VERSION,
            _header("Upload-Offset", "Where these bytes go: the upload's offset.", required=True),
            _header("Upload-Checksum", "`sha1|sha256 base64(digest)` of this body."),
        ],
        "requestBody": {"required": True, **_CHUNK_BODY},
    },
)
async def append(
    upload_id: UploadId, request: Request, user: CurrentUser, parts: Parts
) -> Response:
    require_version(request)
    if not _is_chunk(request):
        raise UnsupportedMediaTypeError(f"Send the bytes as `{OFFSET_CONTENT_TYPE}`.")
    offset = non_negative(request, "upload-offset")
    if offset is None:
        raise TusRequestError("Send `Upload-Offset`.")
    state = await parts.uploads.append(
        user.user_id,
        upload_id,
        offset,
        request.stream(),
        checksum=parse_checksum(request.headers.get("upload-checksum")),
        content_length=non_negative(request, "content-length"),
    )
    return Response(status_code=204, headers=_progress_headers(state))


@router.delete(
    "/{upload_id}",
    name="uploads_terminate",
    summary="Abandon a resumable upload and remove its bytes (tus termination)",
    status_code=204,
    response_class=Response,
    responses={
        204: {"description": "Removed."},
        **problem_responses(*COMMON_ERRORS, TusVersionError, UploadNotFoundError, UploadBusyError),
    },
    openapi_extra={"parameters": [_VERSION]},
)
async def terminate(
    upload_id: UploadId, request: Request, user: CurrentUser, parts: Parts
) -> Response:
    require_version(request)
    await parts.uploads.terminate(user.user_id, upload_id)
    return Response(status_code=204, headers={"Tus-Resumable": TUS_VERSION})
