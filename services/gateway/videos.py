"""The user's videos: list, read, edit, delete, and download their outputs."""

import asyncio
import mimetypes
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import FileResponse

from contracts.rest import (
    VideoListResponseSchema,
    VideoMetadataUpdateRequestSchema,
    VideoResponseSchema,
    VideoWithJobsResponseSchema,
)
from services.common.blobs import InvalidBlobKeyError, LocalBlobStore
from services.common.logging import log_context
from services.gateway import repository, views
from services.gateway.deps import CurrentUser, Gateway, OwnedVideo, Store, UserDb
from services.gateway.errors import (
    COMMON_ERRORS,
    ApiError,
    InvalidRequestError,
    PosterNotFoundError,
    RenditionNotFoundError,
    VideoNotFoundError,
    field_error,
    problem_responses,
)
from services.gateway.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_optional,
    split_page,
)
from services.gateway.uploads import video_prefix

router = APIRouter(prefix="/api/videos", tags=["videos"])

_TAG_MAX = 64
_CONTAINER_TYPES = {"mp4": "video/mp4", "m4a": "audio/mp4", "webm": "video/webm"}
_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file; HTTP range requests are answered with 206.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {"description": "The requested byte range."},
}

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
CursorParam = Annotated[
    str | None, Query(description="`next_cursor` of the previous page.", max_length=512)
]


@router.get(
    "",
    summary="List my videos, newest first",
    response_model=VideoListResponseSchema,
    responses=problem_responses(*COMMON_ERRORS),
)
async def list_videos(
    user: CurrentUser,
    conn: UserDb,
    gateway: Gateway,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
) -> VideoListResponseSchema:
    records = await repository.list_videos(
        conn, user.user_id, limit=limit + 1, after=decode_optional(cursor)
    )
    page, next_cursor = split_page(records, limit)
    return VideoListResponseSchema(
        items=[views.summary(record, gateway.links) for record in page], next_cursor=next_cursor
    )


@router.get(
    "/{video_id}",
    summary="Get a video with its jobs, metadata and renditions",
    response_model=VideoWithJobsResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def get_video(
    video: OwnedVideo, conn: UserDb, gateway: Gateway
) -> VideoWithJobsResponseSchema:
    jobs = await repository.jobs_of_video(conn, video.owner_id, video.id)
    metadata = await repository.get_metadata(conn, video.owner_id, video.id)
    outputs = views.renditions_of(jobs)
    return VideoWithJobsResponseSchema(
        **views.video(video).model_dump(),
        jobs=[views.job(job) for job in jobs],
        metadata=views.metadata(metadata, gateway.links) if metadata else None,
        renditions=views.renditions(video.id, outputs, gateway.links),
    )


@router.patch(
    "/{video_id}",
    summary="Edit a video's title, description or tags",
    response_model=VideoResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def update_video(
    video: OwnedVideo, changes: VideoMetadataUpdateRequestSchema, conn: UserDb
) -> VideoResponseSchema:
    """Omitted fields stay as they are; `description: null` or `tags: null` clear them."""
    columns = _columns(changes)
    if not columns:
        return views.video(video)
    updated = await repository.update_video(conn, video.owner_id, video.id, columns)
    if updated is None:  # deleted meanwhile
        raise VideoNotFoundError(f"No video {video.id}.")
    return views.video(updated)


def _columns(changes: VideoMetadataUpdateRequestSchema) -> dict[str, object]:
    given = changes.model_fields_set
    columns: dict[str, object] = {}
    errors: list[dict[str, object]] = []
    if "title" in given:
        title = (changes.title or "").strip()
        if not title:
            errors.append(field_error(["body", "title"], "A title cannot be empty.", "value_error"))
        columns["title"] = title
    if "description" in given:
        columns["description"] = changes.description
    if "tags" in given:
        tags: list[str] = []
        for index, raw in enumerate(changes.tags or []):
            tag = raw.strip()
            if not 1 <= len(tag) <= _TAG_MAX:
                errors.append(
                    field_error(
                        ["body", "tags", index], "Each tag is 1-64 characters.", "value_error"
                    )
                )
            elif tag not in tags:
                tags.append(tag)
        columns["tags"] = tags
    if errors:
        raise InvalidRequestError("The request is not valid; see `errors`.", errors=errors)
    return columns


@router.delete(
    "/{video_id}",
    status_code=204,
    summary="Delete a video, its jobs, metadata and files",
    response_class=Response,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def delete_video(
    video_id: Annotated[UUID, Path(description="Video id.")],
    user: CurrentUser,
    gateway: Gateway,
) -> Response:
    with log_context(video_id=video_id):
        # Rows first, committed; then files. A crash in between leaves orphan files, never
        # a video row whose files are gone.
        async with gateway.db.as_user(user.user_id) as conn:
            deleted = await repository.delete_video(conn, user.user_id, video_id)
        if deleted is None:
            raise VideoNotFoundError(f"No video {video_id}.")
        await asyncio.to_thread(gateway.store.delete_prefix, video_prefix(user.user_id, video_id))
    return Response(status_code=204)


@router.get(
    "/{video_id}/renditions/{name}",
    summary="Download a rendition (HTTP range requests supported)",
    response_class=FileResponse,
    responses={
        **_DOWNLOAD,
        **problem_responses(*COMMON_ERRORS, VideoNotFoundError, RenditionNotFoundError),
    },
)
async def download_rendition(
    video: OwnedVideo,
    name: Annotated[str, Path(description="Rendition name, e.g. `mp4-720p`.", max_length=100)],
    conn: UserDb,
    store: Store,
) -> FileResponse:
    jobs = await repository.jobs_of_video(conn, video.owner_id, video.id)
    output = next((r for r in views.renditions_of(jobs) if r.name == name), None)
    if output is None:
        raise RenditionNotFoundError(f"Video {video.id} has no rendition {name!r}.")
    media_type = output.file.content_type or _CONTAINER_TYPES.get(output.container)
    return await _file(
        store,
        video,
        output.file.key,
        media_type,
        f"{name}.{output.container}",
        RenditionNotFoundError(f"The file of rendition {name!r} is missing."),
    )


@router.get(
    "/{video_id}/poster",
    summary="Download the poster image",
    response_class=FileResponse,
    responses={
        **_DOWNLOAD,
        **problem_responses(*COMMON_ERRORS, VideoNotFoundError, PosterNotFoundError),
    },
)
async def download_poster(video: OwnedVideo, conn: UserDb, store: Store) -> FileResponse:
    metadata = await repository.get_metadata(conn, video.owner_id, video.id)
    if metadata is None or metadata.poster_key is None:
        raise PosterNotFoundError(f"Video {video.id} has no poster (yet).")
    return await _file(
        store,
        video,
        metadata.poster_key,
        "image/jpeg",
        "poster.jpg",
        PosterNotFoundError("The poster file is missing."),
    )


async def _file(
    store: LocalBlobStore,
    video: repository.VideoRecord,
    key: str,
    media_type: str | None,
    filename: str,
    missing: ApiError,
) -> FileResponse:
    """Serve one of the video's blobs; keys outside the video's own prefix are refused."""
    if not key.startswith(video_prefix(video.owner_id, video.id) + "/"):
        raise missing
    try:
        path = store.path(key)
    except InvalidBlobKeyError as error:
        raise missing from error
    if not await asyncio.to_thread(path.is_file):
        raise missing
    return FileResponse(
        path,
        media_type=media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        filename=filename,
        content_disposition_type="inline",
        headers={"Cache-Control": "private, max-age=300"},
    )
