"""The running gateway's long-lived parts: built once by `app.build_parts`, reached by the
routes through `api.deps`; connections are opened in the app's lifespan."""

from dataclasses import dataclass

from faststream.nats import NatsBroker

from services.common.auth import TokenVerifier
from services.common.blobs import LocalBlobStore
from services.gateway.api.resumable import ResumableUploads
from services.gateway.api.signing import MediaSigner
from services.gateway.api.views import Links
from services.gateway.db.pool import Database
from services.gateway.metrics import GatewayMetrics
from services.gateway.pipeline.loops import Periodic
from services.gateway.pipeline.outbox import OutboxRelay
from services.gateway.pipeline.progress import ProgressSampler
from services.gateway.pipeline.reconciler import Reconciler
from services.gateway.settings import GatewayConfig
from services.gateway.storage import Storage


@dataclass(frozen=True)
class GatewayParts:
    """Everything the gateway runs: its HTTP half's needs and its pipeline's loops."""

    config: GatewayConfig
    db: Database
    broker: NatsBroker
    store: LocalBlobStore
    storage: Storage
    signer: MediaSigner
    uploads: ResumableUploads
    sweeper: Periodic
    """Removes expired resumable uploads."""
    verifier: TokenVerifier
    metrics: GatewayMetrics
    links: Links
    relay: OutboxRelay
    sampler: ProgressSampler
    reconciler: Reconciler
