"""The notifier's endpoints: live job status over WebSocket and SSE, health, metrics."""

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from contracts.rest import HealthResponseSchema, ProblemDetails
from services.common.auth import AuthError
from services.common.logging import log_context
from services.notifier.auth import ACCESS_TOKEN_PARAM, authenticate
from services.notifier.deps import Notifier
from services.notifier.feed import FeedUnavailableError, StatusFeed
from services.notifier.problems import PROBLEM_JSON, problem_response
from services.notifier.sse import StatusEventStream
from services.notifier.ws import (
    CLOSE_TRY_AGAIN_LATER,
    CLOSE_UNAUTHORIZED,
    close_reason,
    relay_to_websocket,
)

logger = logging.getLogger(__name__)

SERVICE = "notifier"

router = APIRouter()

VideoFilter = Annotated[UUID | None, Query(description="Only updates about this video's jobs.")]
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


@router.websocket("/ws/jobs")
async def job_status_websocket(
    websocket: WebSocket,
    notifier: Notifier,
    video_id: VideoFilter = None,
    access_token: AccessToken = None,
    authorization: Authorization = None,
) -> None:
    """Each message is a `JobStatusUpdate`: first the current state of every job of the
    user, then each change. A bad token closes the socket with code 4401."""
    try:
        principal = authenticate(notifier.verifier, authorization, access_token)
    except AuthError as error:
        notifier.metrics.rejected.labels("ws", error.code).inc()
        logger.info("websocket refused: %s", error.code)
        await websocket.accept()
        await websocket.close(CLOSE_UNAUTHORIZED, close_reason(f"{error.code}: {error.detail}"))
        return
    with log_context(user_id=principal.user_id, video_id=video_id):
        try:
            feed = await _open_feed(notifier, principal.user_id, video_id)
        except FeedUnavailableError:
            notifier.metrics.rejected.labels("ws", "unavailable").inc()
            await websocket.accept()
            await websocket.close(CLOSE_TRY_AGAIN_LATER, "live status unavailable; retry shortly")
            return
        try:
            await websocket.accept()
            logger.info("websocket opened")
            with notifier.metrics.connection("ws"):
                await relay_to_websocket(
                    websocket,
                    feed,
                    idle_seconds=notifier.settings.keepalive_seconds,
                    on_sent=notifier.metrics.updates_sent.labels("ws").inc,
                )
        finally:
            await feed.close()
            logger.info("websocket closed")


@router.get(
    "/sse/jobs",
    status_code=200,
    response_class=StatusEventStream,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "`JobStatusUpdate` events."},
        401: _PROBLEM,
        422: _PROBLEM,
        503: _PROBLEM,
    },
)
async def job_status_events(
    request: Request,
    notifier: Notifier,
    video_id: VideoFilter = None,
    access_token: AccessToken = None,
    authorization: Authorization = None,
) -> Response:
    """Server-Sent Events: each event's data is a `JobStatusUpdate` and its id the stream
    sequence; first the current state of every job of the user, then each change."""
    try:
        principal = authenticate(notifier.verifier, authorization, access_token)
    except AuthError as error:
        notifier.metrics.rejected.labels("sse", error.code).inc()
        logger.info("event stream refused: %s", error.code)
        return problem_response(
            401,
            error.code,
            error.detail,
            instance=request.url.path,
            headers={"WWW-Authenticate": 'Bearer realm="echo"'},
        )
    with log_context(user_id=principal.user_id, video_id=video_id):
        try:
            feed = await _open_feed(notifier, principal.user_id, video_id)
        except FeedUnavailableError:
            notifier.metrics.rejected.labels("sse", "unavailable").inc()
            return problem_response(
                503,
                "unavailable",
                "Live status is unavailable right now; retry shortly.",
                instance=request.url.path,
                headers={"Retry-After": "2"},
            )
        logger.info("event stream opened")
    return StatusEventStream(
        feed,
        metrics=notifier.metrics,
        keepalive_seconds=notifier.settings.keepalive_seconds,
        retry_ms=notifier.settings.sse_retry_ms,
    )


async def _open_feed(notifier: Notifier, user_id: UUID, video_id: UUID | None) -> StatusFeed:
    if notifier.nats is None:
        raise FeedUnavailableError("not started")
    return await StatusFeed.open(
        notifier.nats,
        user_id,
        video_id=video_id,
        heartbeat_seconds=notifier.settings.consumer_heartbeat_seconds,
    )


@router.get("/healthz")
async def healthz() -> HealthResponseSchema:
    """The process is alive."""
    return HealthResponseSchema(status="ok", service=SERVICE)


@router.get("/readyz", responses={503: {"model": HealthResponseSchema}})
async def readyz(notifier: Notifier) -> JSONResponse:
    """Ready when connected to NATS."""
    connected = notifier.bus_connected
    health = HealthResponseSchema(
        status="ok" if connected else "unavailable", service=SERVICE, checks={"nats": connected}
    )
    return JSONResponse(health.model_dump(mode="json"), status_code=200 if connected else 503)


@router.get("/metrics", response_class=Response)
def metrics(notifier: Notifier) -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(notifier.metrics.registry), media_type=CONTENT_TYPE_LATEST)
