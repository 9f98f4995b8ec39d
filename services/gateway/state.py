"""What the running gateway holds: built once by `create_app`, reached through `deps.py`."""

from dataclasses import dataclass

from faststream.nats import NatsBroker

from services.common.auth import TokenVerifier
from services.common.blobs import LocalBlobStore
from services.gateway.db import Database
from services.gateway.dispatch_queue import DispatchQueue
from services.gateway.metrics import GatewayMetrics
from services.gateway.outbox import OutboxRelay
from services.gateway.reconciler import Reconciler
from services.gateway.settings import GatewayConfig
from services.gateway.views import Links


@dataclass(frozen=True)
class GatewayState:
    """The gateway's long-lived parts; connections are opened in the app's lifespan."""

    config: GatewayConfig
    db: Database
    broker: NatsBroker
    store: LocalBlobStore
    verifier: TokenVerifier
    metrics: GatewayMetrics
    links: Links
    relay: OutboxRelay
    reconciler: Reconciler
    queue: DispatchQueue
