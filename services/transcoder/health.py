"""`/healthz` (the process answers) and `/readyz` (the bus and blob storage are usable)."""

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.asgi.types import Scope
from faststream.nats import NatsBroker

from contracts.rest import HealthResponseSchema
from services.common.blobs import LocalBlobStore

SERVICE = "transcoder"
PING_TIMEOUT_SECONDS = 2.0


def _respond(health: HealthResponseSchema) -> AsgiResponse:
    return AsgiResponse(
        health.model_dump_json().encode(),
        status_code=200 if health.status == "ok" else 503,
        headers={"content-type": "application/json"},
    )


def liveness() -> GetHandler:
    @get(include_in_schema=False)
    async def healthz(scope: Scope) -> AsgiResponse:
        return _respond(HealthResponseSchema(status="ok", service=SERVICE))

    return healthz


def readiness(broker: NatsBroker, store: LocalBlobStore) -> GetHandler:
    @get(include_in_schema=False)
    async def readyz(scope: Scope) -> AsgiResponse:
        checks = {
            "nats": await broker.ping(timeout=PING_TIMEOUT_SECONDS),
            "blob_root": store.is_available(),
        }
        return _respond(
            HealthResponseSchema(
                status="ok" if all(checks.values()) else "unavailable",
                service=SERVICE,
                checks=checks,
            )
        )

    return readyz
