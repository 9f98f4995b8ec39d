"""Named dependencies, so authentication and ownership checks are written once.

`CurrentUser` verifies the bearer token; `UserDb` is a transaction in which
Postgres sees that user (row-level security on), committed before the response
is sent; `OwnedVideo` and `OwnedJob` load a row of the user's or answer 404,
the same 404 whether the row is someone else's or does not exist.
"""

from collections.abc import AsyncIterator
from typing import Annotated, cast
from uuid import UUID

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.problems import ProblemCode
from services.common.auth import AuthError, Principal
from services.common.blobs import LocalBlobStore
from services.gateway.api.problems import (
    JobNotFoundError,
    NotAuthenticatedError,
    VideoNotFoundError,
)
from services.gateway.db import jobs, videos
from services.gateway.db.pool import Connection
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.parts import GatewayParts


def _parts(request: Request) -> GatewayParts:
    return cast(GatewayParts, request.app.state.gateway)


Parts = Annotated[GatewayParts, Depends(_parts)]


def _store(parts: Parts) -> LocalBlobStore:
    return parts.store


Store = Annotated[LocalBlobStore, Depends(_store)]


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="SupabaseAccessToken",
    description="A Supabase access token: `Authorization: Bearer <token>`.",
)


def _current_user(
    parts: Parts,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # A plain function: FastAPI runs it in a thread, so a JWKS refetch never blocks the loop.
    if credentials is None:
        raise NotAuthenticatedError("Send `Authorization: Bearer <access token>`.")
    try:
        principal = parts.verifier.verify(credentials.credentials)
    except AuthError as error:
        raise NotAuthenticatedError(error.detail, code=ProblemCode(error.code)) from error
    return principal


CurrentUser = Annotated[Principal, Depends(_current_user)]


async def _user_db(parts: Parts, user: CurrentUser) -> AsyncIterator[Connection]:
    async with parts.db.as_user(user.user_id) as conn:
        yield conn


UserDb = Annotated[Connection, Depends(_user_db, scope="function")]


async def _owned_video(
    video_id: Annotated[UUID, Path(description="Video id.")], conn: UserDb, user: CurrentUser
) -> VideoRecord:
    video = await videos.get_video(conn, user.user_id, video_id)
    if video is None:
        raise VideoNotFoundError(f"No video {video_id}.")
    return video


OwnedVideo = Annotated[VideoRecord, Depends(_owned_video)]


async def _owned_job(
    job_id: Annotated[UUID, Path(description="Processing job id.")], conn: UserDb, user: CurrentUser
) -> JobRecord:
    job = await jobs.get_job(conn, user.user_id, job_id)
    if job is None:
        raise JobNotFoundError(f"No processing job {job_id}.")
    return job


OwnedJob = Annotated[JobRecord, Depends(_owned_job)]
