"""Admitting a connection, the same for both transports: authenticate it, then open its
feed. A refusal names its `ProblemCode`; each transport says it its own way (an HTTP
problem for SSE, a close frame for WebSocket) and counts it."""

from contracts.problems import ProblemCode
from services.common.auth import AuthError
from services.notifier.auth import Grant, authenticate, problem_code
from services.notifier.deps import NotifierState
from services.notifier.feed import CatchUpLimits, FeedRequest, LiveFeed
from services.notifier.metrics import Transport

BUS_UNAVAILABLE_DETAIL = "Live status is unavailable right now; retry shortly."
NOT_READY_DETAIL = "This notifier is stopping; connect again (another replica answers)."


class RefusedError(Exception):
    """The connection is refused, for the reason `code` names."""

    def __init__(self, code: ProblemCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def admit(
    notifier: NotifierState,
    transport: Transport,
    request: FeedRequest,
    *,
    authorization: str | None,
    access_token: str | None,
) -> LiveFeed:
    """The user's open feed, or `RefusedError` (counted in `echo_notifier_rejected_total`)."""
    try:
        grant = check_token(notifier, authorization, access_token)
        hub = notifier.hub
        if hub.stopping:
            raise RefusedError(ProblemCode.NOT_READY, NOT_READY_DETAIL)
        if not hub.serving:
            raise RefusedError(ProblemCode.BUS_UNAVAILABLE, BUS_UNAVAILABLE_DETAIL)
    except RefusedError as refused:
        notifier.metrics.rejected.labels(transport, refused.code.value).inc()
        raise
    settings = notifier.settings
    limits = CatchUpLimits(settings.snapshot_recent_seconds, settings.resume_max_messages)
    return LiveFeed(
        hub,
        grant,
        request,
        limits,
        buffer=settings.client_buffer_messages,
        on_caught_up=notifier.metrics.catch_up.labels(transport).observe,
    )


def check_token(
    notifier: NotifierState, authorization: str | None, access_token: str | None
) -> Grant:
    """The grant of a token, or `RefusedError` with its problem code."""
    try:
        return authenticate(notifier.verifier, authorization, access_token, notifier.leeway_seconds)
    except AuthError as error:
        raise RefusedError(problem_code(error), error.detail) from error
