"""Operations endpoints: liveness, readiness and Prometheus metrics."""

import asyncio

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from contracts.rest import HealthResponseSchema
from services.gateway.deps import Gateway
from services.gateway.errors import NotReadyError, problem_responses

SERVICE = "gateway"
_CHECK_TIMEOUT_SECONDS = 2.0

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness", response_model=HealthResponseSchema)
async def healthz() -> HealthResponseSchema:
    """The process is up and serving requests."""
    return HealthResponseSchema(status="ok", service=SERVICE)


@router.get(
    "/readyz",
    summary="Readiness: database, NATS and blob storage reachable",
    response_model=HealthResponseSchema,
    responses=problem_responses(NotReadyError),
)
async def readyz(gateway: Gateway) -> HealthResponseSchema:
    database, nats, blobs = await asyncio.gather(
        gateway.db.is_ready(_CHECK_TIMEOUT_SECONDS),
        gateway.broker.ping(_CHECK_TIMEOUT_SECONDS),
        asyncio.to_thread(gateway.store.is_available),
    )
    checks = {"database": database, "nats": nats, "blob_storage": blobs}
    if all(checks.values()):
        return HealthResponseSchema(status="ok", service=SERVICE, checks=checks)
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    raise NotReadyError(f"Not ready: {failing} unavailable.")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Metrics."}},
)
async def metrics(gateway: Gateway) -> Response:
    return Response(generate_latest(gateway.metrics.registry), media_type=CONTENT_TYPE_LATEST)
