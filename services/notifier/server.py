"""The uvicorn server the notifier runs with, shared by `__main__` and the tests."""

import socket

import uvicorn
from fastapi import FastAPI

from services.notifier.deps import NotifierState
from services.notifier.logs import redact_uvicorn_logs
from services.notifier.settings import NotifierSettings


def server_config(app: FastAPI, settings: NotifierSettings) -> uvicorn.Config:
    """No access log and no logging setup of uvicorn's own (the root logger's formatter
    redacts, and so does a filter on uvicorn's loggers); WebSocket pings every keepalive
    interval, and a connection whose ping goes unanswered as long is dropped. No
    per-message deflate, which browsers offer: its zlib state would cost each connection
    tens of KB and each message CPU, for messages of a few hundred bytes."""
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
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        lifespan="on",
    )


class NotifierServer(uvicorn.Server):
    """uvicorn, first telling every open connection `going_away` on shutdown (WebSocket
    close 1001, SSE `connection.closing`) so that clients resume on another replica,
    instead of uvicorn's own 1012 or cut streams."""

    def __init__(self, app: FastAPI, settings: NotifierSettings) -> None:
        super().__init__(server_config(app, settings))
        self._state: NotifierState = app.state.notifier

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self._state.hub.stop(self._state.settings.shutdown_grace_seconds)
        await super().shutdown(sockets)
