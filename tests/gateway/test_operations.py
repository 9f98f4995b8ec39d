"""Liveness, readiness, metrics, the OpenAPI document, and streaming behaviour of uploads."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext

from contracts.streams import PROJECTOR
from services.common.bus import BusNotMigratedError
from tests.support.gateway import Gateway, StartGateway


async def test_liveness_and_readiness(gateway: Gateway, blob_root: Path) -> None:
    live = await gateway.client.get("/healthz")
    assert live.json() == {"status": "ok", "service": "gateway", "checks": {}}

    ready = await gateway.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "nats": True, "blob_storage": True}

    shutil.rmtree(blob_root)
    not_ready = await gateway.client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.headers["content-type"] == "application/problem+json"
    assert not_ready.json()["code"] == "not_ready"
    assert "blob_storage" in not_ready.json()["detail"]


async def test_metrics_are_exported(gateway: Gateway, token: str) -> None:
    await gateway.upload_ok(token, b"12345")
    response = await gateway.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for line in (
        'echo_uploads_total{outcome="accepted"} 1.0',
        "echo_upload_bytes_total 5.0",
        "# TYPE echo_events_projected_total counter",
        "# TYPE echo_redispatches_total counter",
        "# TYPE echo_jobs_stalled_total counter",
        "# TYPE echo_outbox_lag_seconds gauge",
        "# TYPE echo_outbox_pending gauge",
    ):
        assert line in text, line


async def test_openapi_documents_models_and_problems(gateway: Gateway) -> None:
    schema: dict[str, Any] = (await gateway.client.get("/openapi.json")).json()
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/videos",
        "/api/videos/{video_id}",
        "/api/videos/{video_id}/renditions/{name}",
        "/api/videos/{video_id}/poster",
        "/api/video-processing-jobs",
        "/api/video-processing-jobs/{job_id}",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    components = schema["components"]["schemas"]
    for name in (
        "ProblemDetails",
        "VideoUploadResponseSchema",
        "VideoWithJobsResponseSchema",
        "VideoListResponseSchema",
        "VideoJobListResponseSchema",
        "VideoJobWithDetailsResponseSchema",
        "VideoMetadataUpdateRequestSchema",
    ):
        assert name in components, name
    assert "HTTPValidationError" not in components

    upload = paths["/api/videos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["tags"] == ["videos"]
    for status in ("401", "413", "415", "422"):
        content = upload["responses"][status]["content"]
        assert list(content) == ["application/problem+json"], status
    detail = paths["/api/videos/{video_id}"]["get"]["responses"]
    assert "video_not_found" in detail["404"]["description"]
    assert detail["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "VideoWithJobsResponseSchema"
    )
    assert "SupabaseAccessToken" in schema["components"]["securitySchemes"]

    docs = await gateway.client.get("/docs")
    assert docs.status_code == 200


async def test_unknown_routes_are_problems(gateway: Gateway) -> None:
    response = await gateway.client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    wrong_method = await gateway.client.put("/api/videos")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")


async def test_upload_reaches_the_disk_while_the_body_is_still_arriving(
    gateway: Gateway, token: str, blob_root: Path
) -> None:
    chunk = b"\x42" * (64 * 1024)
    staged_sizes: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        yield (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.mp4"\r\n'
            b"Content-Type: video/mp4\r\n\r\n"
        )
        for index in range(64):  # 4 MiB
            if index == 48:
                # 3 MiB sent: most of it must already be in the staged blob, not in memory.
                staged_sizes.extend(p.stat().st_size for p in blob_root.rglob("*.partial"))
            yield chunk
        yield b"\r\n--b--\r\n"

    response = await gateway.client.post(
        "/api/videos",
        headers={**gateway.auth(token), "Content-Type": "multipart/form-data; boundary=b"},
        content=body(),
    )
    assert response.status_code == 201, response.text
    assert response.json()["video"]["size_bytes"] == 64 * len(chunk)
    [staged] = staged_sizes
    assert staged >= 2 * 1024 * 1024
    assert list(blob_root.rglob("*.partial")) == []


async def test_an_unreachable_database_is_a_503_problem(gateway: Gateway, token: str) -> None:
    await gateway.parts.db.close()  # as good as Postgres going away, for every request
    response = await gateway.client.get("/api/videos", headers=gateway.auth(token))
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "database_unavailable"
    ready = await gateway.client.get("/readyz")
    assert (ready.status_code, ready.json()["code"]) == (503, "not_ready")
    assert "database" in ready.json()["detail"]


async def test_the_gateway_refuses_to_start_before_the_migrate_step(
    start_gateway: StartGateway, jetstream: JetStreamContext
) -> None:
    """It binds to the projector's consumer and never declares it: missing, start fails
    naming the step to run."""
    await jetstream.delete_consumer(PROJECTOR.stream, PROJECTOR.durable)
    with pytest.raises(BusNotMigratedError, match=r"python -m services\.migrate"):
        async with start_gateway():
            pass
