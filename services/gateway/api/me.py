"""`GET /api/me`: who the token says the user is, and what they store against their quota."""

from fastapi import APIRouter

from contracts.rest import MeResponseSchema, UsageSchema
from services.gateway.api.deps import CurrentUser, Parts, UserDb
from services.gateway.api.problems import COMMON_ERRORS, problem_responses
from services.gateway.db import uploads

router = APIRouter(prefix="/api/me", tags=["account"])


@router.get(
    "",
    name="me_get",
    summary="The signed-in user and their storage usage",
    response_model=MeResponseSchema,
    responses=problem_responses(*COMMON_ERRORS),
)
async def get_me(user: CurrentUser, conn: UserDb, parts: Parts) -> MeResponseSchema:
    used, videos, in_progress = await uploads.stored_bytes(conn, user.user_id)
    settings = parts.config.gateway
    return MeResponseSchema(
        user_id=user.user_id,
        email=user.email,
        usage=UsageSchema(
            used_bytes=used,
            quota_bytes=settings.user_quota_bytes,
            videos=videos,
            uploads_in_progress=in_progress,
        ),
        max_upload_bytes=settings.max_upload_bytes,
    )
