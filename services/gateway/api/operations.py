"""Operations endpoints: liveness, readiness and Prometheus metrics."""

import asyncio

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from contracts.rest import HealthResponseSchema
from services.common.health import CHECK_TIMEOUT_SECONDS, liveness, readiness
from services.gateway.api.deps import Parts
from services.gateway.api.problems import NotReadyError, problem_responses

SERVICE = "gateway"

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness", response_model=HealthResponseSchema)
async def healthz() -> HealthResponseSchema:
    """The process is up and serving requests."""
    return liveness(SERVICE)


@router.get(
    "/readyz",
    summary="Readiness: database, NATS and blob storage reachable",
    response_model=HealthResponseSchema,
    responses=problem_responses(NotReadyError),
)
async def readyz(parts: Parts) -> HealthResponseSchema:
    async def nats() -> bool:
        return await parts.broker.ping(CHECK_TIMEOUT_SECONDS)

    async def blob_storage() -> bool:
        return await asyncio.to_thread(parts.store.is_available)

    health = await readiness(
        SERVICE, {"database": parts.db.is_ready, "nats": nats, "blob_storage": blob_storage}
    )
    if health.status != "ok":
        failing = ", ".join(name for name, ok in health.checks.items() if not ok)
        raise NotReadyError(f"Not ready: {failing} unavailable.")
    return health


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Metrics."}},
)
async def metrics(parts: Parts) -> Response:
    return Response(generate_latest(parts.metrics.registry), media_type=CONTENT_TYPE_LATEST)
