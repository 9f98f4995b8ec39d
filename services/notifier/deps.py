"""What handlers share, injected as the `Notifier` dependency."""

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from nats.aio.client import Client as NatsClient
from starlette.requests import HTTPConnection

from services.common.auth import TokenVerifier
from services.notifier.metrics import NotifierMetrics
from services.notifier.settings import NotifierSettings


@dataclass
class NotifierState:
    """The app's settings, token verifier, metrics and (once started) bus connection."""

    settings: NotifierSettings
    verifier: TokenVerifier
    metrics: NotifierMetrics
    nats: NatsClient | None = None

    @property
    def bus_connected(self) -> bool:
        return self.nats is not None and self.nats.is_connected


def get_state(connection: HTTPConnection) -> NotifierState:
    return cast(NotifierState, connection.app.state.notifier)


Notifier = Annotated[NotifierState, Depends(get_state)]
