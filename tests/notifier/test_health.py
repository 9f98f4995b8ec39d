"""Health, readiness and metrics endpoints, the uvicorn configuration, and a bus the
migrate step never ran on: the notifier creates nothing, is not ready, and refuses
every connection as `bus_unavailable`."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from nats.aio.client import Client as NatsClient

from contracts.problems import ProblemCode
from contracts.streams import ALL_STREAMS
from services.devstack.servers import NatsServer
from services.notifier.server import server_config
from services.notifier.settings import NotifierSettings
from tests.support.notifier import RunningNotifier, run_notifier, ws_close


async def test_health_and_readiness(notifier: RunningNotifier) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        health = await http.get("/healthz")
        ready = await http.get("/readyz")
    assert health.json() == {"status": "ok", "service": "notifier", "checks": {}}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"nats": True}


async def test_not_ready_without_nats(notifier: RunningNotifier, token: str) -> None:
    hub = notifier.state.hub
    nats = hub.nc
    assert nats is not None
    hub.nc = None
    try:
        async with httpx.AsyncClient(base_url=notifier.url) as http:
            ready = await http.get("/readyz")
            stream = await http.get("/sse/jobs", headers={"Authorization": f"Bearer {token}"})
    finally:
        hub.nc = nats
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"nats": False}
    assert stream.status_code == 503
    assert stream.headers["retry-after"] == "2"
    assert stream.json()["code"] == ProblemCode.BUS_UNAVAILABLE


@pytest.fixture
async def unmigrated_notifier(
    tmp_path: Path, jwt_secret: str
) -> AsyncIterator[tuple[RunningNotifier, NatsClient]]:
    """A notifier on a NATS server of its own on which `services.migrate` never ran."""
    server = await asyncio.to_thread(NatsServer(tmp_path / "nats").start)
    client = NatsClient()
    await client.connect(server.url)
    try:
        async with run_notifier(server.url, jwt_secret, ready=False) as running:
            yield running, client
    finally:
        await client.drain()
        await asyncio.to_thread(server.stop)


@pytest.mark.servers
async def test_unmigrated_bus_is_unavailable_and_left_alone(
    unmigrated_notifier: tuple[RunningNotifier, NatsClient], token: str
) -> None:
    notifier, client = unmigrated_notifier
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        ready = await http.get("/readyz")
        stream = await http.get("/sse/jobs", headers={"Authorization": f"Bearer {token}"})
    refusal = await ws_close(f"{notifier.ws_url}?access_token={token}")

    assert (ready.status_code, ready.json()["checks"]) == (503, {"nats": False})
    assert stream.status_code == 503
    assert stream.headers["content-type"] == "application/problem+json"
    assert stream.json()["code"] == ProblemCode.BUS_UNAVAILABLE
    assert refusal == (1013, ProblemCode.BUS_UNAVAILABLE)
    names = {info.config.name for info in await client.jetstream().streams_info()}
    assert not {spec.name for spec in ALL_STREAMS} & names, "the notifier declared streams"


async def test_metrics_are_prometheus_text(notifier: RunningNotifier) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    for name in ("connections", "messages_total", "rejected_total", "dropped_total"):
        assert f"# HELP echo_notifier_{name} " in response.text


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
