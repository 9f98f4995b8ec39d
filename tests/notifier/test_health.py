"""Health, readiness and metrics endpoints, and the uvicorn configuration."""

import httpx
import pytest
from fastapi import FastAPI

from services.notifier.server import server_config
from services.notifier.settings import NotifierSettings
from tests.notifier.harness import RunningNotifier


async def test_health_and_readiness(notifier: RunningNotifier) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        health = await http.get("/healthz")
        ready = await http.get("/readyz")
        missing = await http.get("/nowhere")
    assert health.json() == {"status": "ok", "service": "notifier", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True}
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


async def test_not_ready_without_nats(notifier: RunningNotifier, token: str) -> None:
    nats = notifier.state.nats
    assert nats is not None
    notifier.state.nats = None
    try:
        async with httpx.AsyncClient(base_url=notifier.url) as http:
            ready = await http.get("/readyz")
            stream = await http.get("/sse/jobs", headers={"Authorization": f"Bearer {token}"})
    finally:
        notifier.state.nats = nats
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"nats": False}
    assert stream.status_code == 503
    assert stream.json()["code"] == "unavailable"


async def test_metrics_are_prometheus_text(notifier: RunningNotifier) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    assert "echo_notifier_open_connections" in response.text


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_NOTIFIER_PORT", "9100")
    monkeypatch.setenv("ECHO_NOTIFIER_KEEPALIVE_SECONDS", "7.5")
    settings = NotifierSettings()
    assert (settings.port, settings.keepalive_seconds) == (9100, 7.5)
    assert NotifierSettings.model_fields["port"].default == 8003


def test_server_pings_websockets_and_has_no_access_log() -> None:
    config = server_config(FastAPI(), NotifierSettings(keepalive_seconds=9))
    assert config.access_log is False
    assert config.ws_ping_interval == 9
    assert config.log_config is None


async def test_openapi_documents_the_event_stream(notifier: RunningNotifier) -> None:
    spec = notifier.app.openapi()
    operation = spec["paths"]["/sse/jobs"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"video_id", "access_token"}
    assert "text/event-stream" in operation["responses"]["200"]["content"]
    assert "application/problem+json" in operation["responses"]["401"]["content"]
