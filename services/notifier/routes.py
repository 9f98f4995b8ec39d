"""The live endpoints: `/ws/jobs` and `/sse/jobs`, each a user's job statuses and progress.

Both take the same parameters and refuse with the same problem codes (see
`admission`); only how the messages travel differs (`ws`, `sse`).
"""

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, WebSocket
from fastapi.responses import Response

from contracts.problems import ProblemCode
from contracts.rest import ProblemDetails
from services.common.logging import log_context
from services.common.problems import PROBLEM_JSON
from services.notifier.admission import RefusedError, admit, check_token
from services.notifier.auth import ACCESS_TOKEN_PARAM
from services.notifier.deps import Notifier
from services.notifier.feed import FeedRequest
from services.notifier.sse import LiveEventStream, refusal
from services.notifier.ws import accept, refuse, relay_to_websocket, subprotocol_token

logger = logging.getLogger(__name__)

WS_PATH = "/ws/jobs"
SSE_PATH = "/sse/jobs"

router = APIRouter()

VideoFilter = Annotated[UUID | None, Query(description="Only messages about this video's jobs.")]
JobFilter = Annotated[UUID | None, Query(description="Only messages about this job.")]
Since = Annotated[
    int | None,
    Query(
        ge=0,
        description="Resume point: the `sequence` of the last message received. Replays "
        "every status recorded after it, then live messages; absent or 0, a snapshot.",
    ),
]
LastEventId = Annotated[
    int | None,
    Header(
        alias="last-event-id",
        ge=0,
        description="Sent by EventSource when it reconnects: resume like `since` (wins over it).",
    ),
]
AccessToken = Annotated[
    str | None,
    Query(
        alias=ACCESS_TOKEN_PARAM,
        description="The access token, for clients that cannot set the `Authorization` header "
        "(browsers' WebSocket and EventSource).",
    ),
]
Authorization = Annotated[str | None, Header(description="`Bearer <access token>`.")]

_PROBLEM: dict[str, Any] = {
    "description": "Problem details.",
    "content": {PROBLEM_JSON: {"schema": ProblemDetails.model_json_schema()}},
}


@router.websocket(WS_PATH)
async def jobs_websocket(
    websocket: WebSocket,
    notifier: Notifier,
    video_id: VideoFilter = None,
    job_id: JobFilter = None,
    since: Since = None,
    access_token: AccessToken = None,
    authorization: Authorization = None,
) -> None:
    """`contracts.live` messages (see `type`): a snapshot of the user's jobs, or with
    `since` a replay of what was missed, then each change and progress report. The token
    comes from the header, a `bearer.<token>` subprotocol or the query, in that order;
    the client may send `auth.refresh`. Refusals and endings close the socket with a code
    and the reason `<code>: <detail>`."""
    try:
        feed = admit(
            notifier,
            "ws",
            FeedRequest(video_id, job_id, since or None),
            authorization=authorization,
            access_token=subprotocol_token(websocket) or access_token,
        )
    except RefusedError as refused:
        logger.info("websocket refused: %s", refused.code)
        await refuse(websocket, refused.code, refused.detail)
        return
    metrics = notifier.metrics
    with log_context(user_id=feed.owner_id, video_id=video_id):
        try:
            await accept(websocket)
            logger.info("websocket opened")
            with metrics.connection("ws"):
                await relay_to_websocket(
                    websocket,
                    feed,
                    idle_seconds=notifier.settings.keepalive_seconds,
                    refresh=lambda token: check_token(notifier, None, token),
                    on_sent=lambda kind: metrics.messages.labels("ws", kind).inc(),
                    on_closed=lambda reason: metrics.closed.labels("ws", reason.value).inc(),
                )
        finally:
            await feed.close()
            logger.info("websocket closed")


@router.websocket("/{path:path}")
async def unknown_websocket(websocket: WebSocket) -> None:
    """A WebSocket to any other path is closed with `not_found` (not a bare 403)."""
    await refuse(websocket, ProblemCode.NOT_FOUND, f"No WebSocket at {websocket.url.path}.")


@router.get(
    SSE_PATH,
    status_code=200,
    response_class=LiveEventStream,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`contracts.live` messages as events named by their `type`.",
        },
        401: _PROBLEM,
        422: _PROBLEM,
        503: _PROBLEM,
    },
)
async def jobs_event_stream(
    request: Request,
    notifier: Notifier,
    video_id: VideoFilter = None,
    job_id: JobFilter = None,
    since: Since = None,
    access_token: AccessToken = None,
    authorization: Authorization = None,
    last_event_id: LastEventId = None,
) -> Response:
    """Server-Sent Events named by the message `type`, with the resume point as `id`:
    a snapshot of the user's jobs, or after `Last-Event-ID` (or `since`) a replay of what
    was missed, then each change and progress report; a last `connection.closing` event
    when the notifier ends the stream."""
    resume = last_event_id if last_event_id is not None else since
    try:
        feed = admit(
            notifier,
            "sse",
            FeedRequest(video_id, job_id, resume or None),
            authorization=authorization,
            access_token=access_token,
        )
    except RefusedError as refused:
        logger.info("event stream refused: %s", refused.code)
        return refusal(refused.code, refused.detail, request.url.path)
    with log_context(user_id=feed.owner_id, video_id=video_id):
        logger.info("event stream opened")
    return LiveEventStream(
        feed,
        metrics=notifier.metrics,
        keepalive_seconds=notifier.settings.keepalive_seconds,
        retry_ms=notifier.settings.sse_retry_ms,
    )
