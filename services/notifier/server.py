"""The uvicorn configuration the notifier runs with, shared by `__main__` and the tests."""

import uvicorn
from fastapi import FastAPI

from services.notifier.logs import redact_uvicorn_logs
from services.notifier.settings import NotifierSettings


def server_config(app: FastAPI, settings: NotifierSettings) -> uvicorn.Config:
    """No access log and no logging setup of uvicorn's own (the root logger's formatter
    redacts, and so does a filter on uvicorn's loggers); WebSocket pings every keepalive
    interval; open streams get a grace period on shutdown, then are cut."""
    redact_uvicorn_logs()
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        ws="websockets-sansio",
        ws_ping_interval=settings.keepalive_seconds,
        ws_ping_timeout=settings.keepalive_seconds,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        lifespan="on",
    )
