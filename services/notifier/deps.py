"""What handlers share, injected as the `Notifier` dependency."""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from starlette.requests import HTTPConnection

from services.common.auth import TokenVerifier
from services.notifier.hub import Hub
from services.notifier.metrics import NotifierMetrics
from services.notifier.settings import NotifierSettings


@dataclass
class NotifierState:
    """The app's settings, token verifier, metrics and hub (subscribed once started)."""

    settings: NotifierSettings
    verifier: TokenVerifier
    metrics: NotifierMetrics
    hub: Hub
    leeway_seconds: float


def get_state(connection: HTTPConnection) -> NotifierState:
    return cast(NotifierState, connection.app.state.notifier)


Notifier = Annotated[NotifierState, Depends(get_state)]
