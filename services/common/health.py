"""Liveness and readiness, the same in every service.

`/healthz` says the process answers; `/readyz` runs each named dependency check
concurrently under a timeout and answers 200 only when all pass, else 503 with the
same body naming what failed. Workers mount `asgi_health_routes` on their FastStream
app; the gateway and notifier call `readiness` from their FastAPI routes.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.asgi.types import Scope

from contracts.rest import HealthResponseSchema

Check = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT_SECONDS = 2.0


def liveness(service: str) -> HealthResponseSchema:
    return HealthResponseSchema(status="ok", service=service)


async def _run(check: Check, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            return await check()
    except Exception:  # a failing check is an answer, not an error
        return False


async def readiness(
    service: str, checks: Mapping[str, Check], seconds: float = CHECK_TIMEOUT_SECONDS
) -> HealthResponseSchema:
    """Every check run at once; `status` is `ok` only when all of them passed."""
    names = list(checks)
    results = await asyncio.gather(*(_run(checks[name], seconds) for name in names))
    outcome = dict(zip(names, results, strict=True))
    status: Literal["ok", "unavailable"] = "ok" if all(results) else "unavailable"
    return HealthResponseSchema(status=status, service=service, checks=outcome)


def status_code(health: HealthResponseSchema) -> int:
    return 200 if health.status == "ok" else 503


def _asgi_json(health: HealthResponseSchema) -> AsgiResponse:
    return AsgiResponse(
        health.model_dump_json().encode(),
        status_code(health),
        {"content-type": "application/json"},
    )


def asgi_health_routes(service: str, checks: Mapping[str, Check]) -> list[tuple[str, GetHandler]]:
    """`/healthz` and `/readyz` as ASGI routes of a FastStream app."""

    @get(include_in_schema=False)
    async def healthz(scope: Scope) -> AsgiResponse:
        return _asgi_json(liveness(service))

    @get(include_in_schema=False)
    async def readyz(scope: Scope) -> AsgiResponse:
        return _asgi_json(await readiness(service, checks))

    return [("/healthz", healthz), ("/readyz", readyz)]
