"""The user's processing jobs: filter by status, page through, read one in detail."""

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.enums import JobKind, ProcessingStatus
from contracts.rest import VideoJobListResponseSchema, VideoJobWithDetailsResponseSchema
from services.gateway import repository, views
from services.gateway.deps import CurrentUser, Gateway, OwnedJob, UserDb
from services.gateway.errors import (
    COMMON_ERRORS,
    InvalidRequestError,
    JobNotFoundError,
    field_error,
    problem_responses,
)
from services.gateway.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_optional,
    split_page,
)

router = APIRouter(prefix="/api/video-processing-jobs", tags=["processing jobs"])

StatusParam = Annotated[
    list[str] | None,
    Query(
        description="Only jobs in these statuses (pending, processing, completed, failed): "
        "repeat the parameter (`status=pending&status=failed`) or separate with commas "
        "(`status=pending,failed`).",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
CursorParam = Annotated[
    str | None, Query(description="`next_cursor` of the previous page.", max_length=512)
]


def parse_statuses(values: list[str] | None) -> list[ProcessingStatus]:
    """Statuses from repeated and comma-separated parameters; 422 on an unknown one."""
    statuses: list[ProcessingStatus] = []
    for value in values or []:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                status = ProcessingStatus(item)
            except ValueError as error:
                allowed = ", ".join(s.value for s in ProcessingStatus)
                raise InvalidRequestError(
                    f"Unknown status {item!r}; use {allowed}.",
                    errors=[field_error(["query", "status"], f"Must be one of {allowed}.", "enum")],
                ) from error
            if status not in statuses:
                statuses.append(status)
    return statuses


@router.get(
    "",
    summary="List my processing jobs, newest first",
    response_model=VideoJobListResponseSchema,
    responses=problem_responses(*COMMON_ERRORS),
)
async def list_jobs(
    user: CurrentUser,
    conn: UserDb,
    status: StatusParam = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
) -> VideoJobListResponseSchema:
    records = await repository.list_jobs(
        conn,
        user.user_id,
        statuses=parse_statuses(status),
        limit=limit + 1,
        after=decode_optional(cursor),
    )
    page, next_cursor = split_page(records, limit)
    return VideoJobListResponseSchema(
        items=[views.job(record) for record in page], next_cursor=next_cursor
    )


@router.get(
    "/{job_id}",
    summary="Get a processing job with its video and outputs",
    response_model=VideoJobWithDetailsResponseSchema,
    responses=problem_responses(*COMMON_ERRORS, JobNotFoundError),
)
async def get_job(
    job: OwnedJob, conn: UserDb, gateway: Gateway
) -> VideoJobWithDetailsResponseSchema:
    video = await repository.get_video_summary(conn, job.owner_id, job.video_id)
    if video is None:  # the video and its jobs are deleted together; never expected
        raise JobNotFoundError(f"No processing job {job.id}.")
    metadata = None
    if job.kind is JobKind.METADATA and job.status is ProcessingStatus.COMPLETED:
        record = await repository.get_metadata(conn, job.owner_id, job.video_id)
        metadata = views.metadata(record, gateway.links) if record else None
    return VideoJobWithDetailsResponseSchema(
        **views.job(job).model_dump(),
        video=views.summary(video, gateway.links),
        renditions=views.renditions(job.video_id, views.renditions_of([job]), gateway.links),
        metadata=metadata,
    )
