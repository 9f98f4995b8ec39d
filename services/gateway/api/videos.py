"""The user's videos: list, read, edit, delete, and download their outputs."""

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import FileResponse

from contracts.rest import (
    VideoListResponseSchema,
    VideoMetadataUpdateRequestSchema,
    VideoResponseSchema,
    VideoWithJobsResponseSchema,
)
from services.common.logging import log_context
from services.gateway.api import playback, views
from services.gateway.api.deps import CurrentUser, OwnedVideo, Parts, Store, UserDb
from services.gateway.api.files import serve_blob
from services.gateway.api.filters import StatusParam, parse_statuses
from services.gateway.api.paging import CursorParam, Limit, cursor_from
from services.gateway.api.problems import (
    COMMON_ERRORS,
    PosterNotFoundError,
    RangeNotSatisfiableError,
    RenditionNotFoundError,
    VideoNotFoundError,
    problem_responses,
)
from services.gateway.db import jobs, metadata, videos
from services.gateway.db.cursor import DEFAULT_PAGE_SIZE, split_page
from services.gateway.pipeline import deletion
from services.gateway.storage import video_prefix

router = APIRouter(prefix="/api/videos", tags=["videos"])

_CONTAINER_TYPES = {"mp4": "video/mp4", "m4a": "audio/mp4", "webm": "video/webm"}


def _download(*media_types: str) -> dict[int | str, dict[str, Any]]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = dict.fromkeys(media_types, binary)
    return {
        200: {"description": "The file; range requests get 206.", "content": content},
        206: {"description": "The requested byte range.", "content": content},
        **problem_responses(RangeNotSatisfiableError),
    }


@router.get(
    "",
    name="videos_list",
    summary="List my videos, newest first",
    response_model=VideoListResponseSchema,
    responses=problem_responses(*COMMON_ERRORS),
)
async def list_videos(
    user: CurrentUser,
    conn: UserDb,
    parts: Parts,
    status: StatusParam = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
) -> VideoListResponseSchema:
    records = await videos.list_videos(
        conn,
        user.user_id,
        limit=limit + 1,
        after=cursor_from(cursor),
        statuses=parse_statuses(status),
    )
    page, next_cursor = split_page(records, limit)
    return VideoListResponseSchema(
        items=[views.summary(record, parts.links) for record in page], next_cursor=next_cursor
    )


@router.get(
    "/{video_id}",
    name="videos_get",
    summary="Get a video with its jobs, metadata, renditions and signed playback links",
    response_model=VideoWithJobsResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def get_video(video: OwnedVideo, conn: UserDb, parts: Parts) -> VideoWithJobsResponseSchema:
    its_jobs = await jobs.jobs_of_video(conn, video.owner_id, video.id)
    probe = await metadata.get_metadata(conn, video.owner_id, video.id)
    transcoded = views.transcode_result_of(its_jobs)
    folder = playback.sign_folder(parts, video.owner_id, video.id)
    return VideoWithJobsResponseSchema(
        **views.video(video).model_dump(),
        jobs=[views.job(job) for job in its_jobs],
        metadata=views.metadata(probe, views.metadata_result_of(its_jobs), parts.links)
        if probe
        else None,
        renditions=views.renditions(
            video.id, list(transcoded.renditions) if transcoded else [], parts.links
        ),
        outputs=playback.outputs(transcoded, folder),
        playback=playback.playback_links(video, its_jobs, folder),
    )


@router.patch(
    "/{video_id}",
    name="videos_update",
    summary="Edit a video's title, description or tags",
    response_model=VideoResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def update_video(
    video: OwnedVideo, changes: VideoMetadataUpdateRequestSchema, conn: UserDb
) -> VideoResponseSchema:
    """Omitted fields (and `title: null`) stay as they are; `description: null` or
    `tags: null` clear them. Text is stripped of surrounding white space."""
    columns = _columns(changes)
    if not columns:
        return views.video(video)
    updated = await videos.update_video(conn, video.owner_id, video.id, columns)
    if updated is None:  # deleted meanwhile
        raise VideoNotFoundError(f"No video {video.id}.")
    return views.video(updated)


def _columns(changes: VideoMetadataUpdateRequestSchema) -> dict[str, object]:
    given = changes.model_fields_set
    columns: dict[str, object] = {}
    # The schema guarantees a visible character in the title and each tag, so stripping
    # never empties one.
    if "title" in given and changes.title is not None:
        columns["title"] = changes.title.strip()
    if "description" in given:
        columns["description"] = changes.description.strip() if changes.description else None
    if "tags" in given:
        columns["tags"] = list(dict.fromkeys(tag.strip() for tag in changes.tags or []))
    return columns


@router.delete(
    "/{video_id}",
    name="videos_delete",
    status_code=204,
    summary="Delete a video: its jobs (running ones cancelled), metadata, files and statuses",
    response_class=Response,
    responses=problem_responses(*COMMON_ERRORS, VideoNotFoundError),
)
async def delete_video(
    video_id: Annotated[UUID, Path(description="Video id.")],
    user: CurrentUser,
    parts: Parts,
) -> Response:
    with log_context(video_id=video_id):
        # Rows first, committed; then files. A crash in between leaves orphan files, never
        # a video row whose files are gone.
        deleted = await deletion.delete_video(parts.db, user.user_id, video_id)
        if deleted is None:
            raise VideoNotFoundError(f"No video {video_id}.")
        parts.relay.wake()
        await asyncio.to_thread(parts.storage.remove_prefix, video_prefix(user.user_id, video_id))
    return Response(status_code=204)


@router.get(
    "/{video_id}/renditions/{name}",
    name="videos_rendition",
    summary="Download a rendition (HTTP range requests supported)",
    response_class=FileResponse,
    responses={
        **_download(*sorted(set(_CONTAINER_TYPES.values()))),
        **problem_responses(*COMMON_ERRORS, VideoNotFoundError, RenditionNotFoundError),
    },
)
async def download_rendition(
    video: OwnedVideo,
    name: Annotated[str, Path(description="Rendition name, e.g. `mp4-720p`.", max_length=100)],
    conn: UserDb,
    store: Store,
    request: Request,
) -> FileResponse:
    its_jobs = await jobs.jobs_of_video(conn, video.owner_id, video.id)
    output = next((r for r in views.renditions_of(its_jobs) if r.name == name), None)
    if output is None:
        raise RenditionNotFoundError(f"Video {video.id} has no rendition {name!r}.")
    media_type = output.file.content_type or _CONTAINER_TYPES.get(output.container)
    return await serve_blob(
        store,
        video,
        output.file.key,
        media_type,
        f"{name}.{output.container}",
        RenditionNotFoundError(f"The file of rendition {name!r} is missing."),
        request.headers.get("range"),
    )


@router.get(
    "/{video_id}/poster",
    name="videos_poster",
    summary="Download the poster image",
    response_class=FileResponse,
    responses={
        **_download("image/jpeg"),
        **problem_responses(*COMMON_ERRORS, VideoNotFoundError, PosterNotFoundError),
    },
)
async def download_poster(
    video: OwnedVideo, conn: UserDb, store: Store, request: Request
) -> FileResponse:
    probe = await metadata.get_metadata(conn, video.owner_id, video.id)
    if probe is None or probe.poster_key is None:
        raise PosterNotFoundError(f"Video {video.id} has no poster (yet).")
    return await serve_blob(
        store,
        video,
        probe.poster_key,
        "image/jpeg",
        "poster.jpg",
        PosterNotFoundError("The poster file is missing."),
        request.headers.get("range"),
    )
