"""Wiring only: settings, bus connection, routes and error handlers."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from services.common.auth import TokenVerifier
from services.common.settings import AuthSettings, BusSettings
from services.notifier.bus import connect_bus
from services.notifier.deps import NotifierState
from services.notifier.metrics import NotifierMetrics
from services.notifier.problems import problem_response
from services.notifier.routes import router
from services.notifier.settings import NotifierSettings

logger = logging.getLogger(__name__)


def create_app(
    settings: NotifierSettings | None = None,
    bus: BusSettings | None = None,
    auth: AuthSettings | None = None,
) -> FastAPI:
    """The notifier app; settings default to the environment (`ECHO_*`, `ECHO_NOTIFIER_*`)."""
    settings = settings or NotifierSettings()
    bus = bus or BusSettings()
    state = NotifierState(
        settings=settings,
        verifier=TokenVerifier(auth or AuthSettings()),
        metrics=NotifierMetrics(),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.nats = await connect_bus(bus)
        logger.info("notifier ready on nats %s", bus.nats_url)
        try:
            yield
        finally:
            await state.nats.drain()

    app = FastAPI(
        title="Echo notifier",
        summary="Live job status over WebSocket and Server-Sent Events.",
        lifespan=lifespan,
    )
    app.state.notifier = state
    app.include_router(router)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    return app


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return problem_response(
        422,
        "invalid_request",
        "The request's parameters are not valid.",
        instance=request.url.path,
        errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()],
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = "not_found" if error.status_code == 404 else f"http_{error.status_code}"
    return problem_response(error.status_code, code, str(error.detail), instance=request.url.path)
