"""HTTP endpoints beside the subscriber: liveness, readiness and Prometheus metrics."""

from typing import Literal

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.asgi.types import Scope
from faststream.nats import NatsBroker

from contracts.rest import HealthResponseSchema
from services.common.blobs import LocalBlobStore
from services.metadata.metrics import MetadataMetrics

SERVICE = "metadata"
READY_TIMEOUT_SECONDS = 2.0


def _json(health: HealthResponseSchema) -> AsgiResponse:
    status = 200 if health.status == "ok" else 503
    return AsgiResponse(
        health.model_dump_json().encode(), status, {"Content-Type": "application/json"}
    )


def health_routes(
    broker: NatsBroker, store: LocalBlobStore, metrics: MetadataMetrics
) -> list[tuple[str, GetHandler]]:
    """`/healthz`, `/readyz` and `/metrics`, as ASGI routes of the FastStream app."""

    @get(include_in_schema=False)
    async def healthz(scope: Scope) -> AsgiResponse:
        """The process answers."""
        return _json(HealthResponseSchema(status="ok", service=SERVICE))

    @get(include_in_schema=False)
    async def readyz(scope: Scope) -> AsgiResponse:
        """The broker is connected and blob storage is writable."""
        checks = {
            "nats": await broker.ping(timeout=READY_TIMEOUT_SECONDS),
            "blobs": store.is_available(),
        }
        status: Literal["ok", "unavailable"] = "ok" if all(checks.values()) else "unavailable"
        return _json(HealthResponseSchema(status=status, service=SERVICE, checks=checks))

    @get(include_in_schema=False)
    async def metrics_endpoint(scope: Scope) -> AsgiResponse:
        """Prometheus text exposition."""
        body, content_type = metrics.exposition()
        return AsgiResponse(body, 200, {"Content-Type": content_type})

    return [("/healthz", healthz), ("/readyz", readyz), ("/metrics", metrics_endpoint)]
