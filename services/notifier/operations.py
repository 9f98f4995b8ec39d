"""Operations endpoints: liveness, readiness (the bus answers and is migrated), metrics."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from contracts.rest import HealthResponseSchema
from services.common.health import liveness, readiness, status_code
from services.notifier.bus import bus_ready
from services.notifier.deps import Notifier

SERVICE = "notifier"

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> HealthResponseSchema:
    """The process is alive."""
    return liveness(SERVICE)


@router.get("/readyz", responses={503: {"model": HealthResponseSchema}})
async def readyz(notifier: Notifier) -> JSONResponse:
    """Ready when subscribed, connected to NATS and `ECHO_STATUS` exists (check `nats`)."""
    hub = notifier.hub

    async def nats() -> bool:
        return hub.serving and await bus_ready(hub.nc)

    health = await readiness(SERVICE, {"nats": nats})
    return JSONResponse(health.model_dump(mode="json"), status_code=status_code(health))


@router.get("/metrics", response_class=Response)
def metrics(notifier: Notifier) -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(notifier.metrics.registry), media_type=CONTENT_TYPE_LATEST)
