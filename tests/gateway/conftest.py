"""A gateway started for real (lifespan, Postgres, NATS, blob root) and an HTTP client on it."""

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from pydantic import SecretStr

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobEvent
from services.common.settings import AuthSettings, BlobSettings, BusSettings
from services.devstack.servers import NatsServer
from services.gateway.app import create_app
from services.common.settings import DatabaseSettings
from services.gateway.settings import GatewayConfig, GatewaySettings
from services.gateway.state import GatewayState

T = TypeVar("T")

# Reconciler far away unless a test asks for it, so it never interferes.
QUIET = {"reconciler_interval_seconds": 3600.0, "outbox_poll_interval_seconds": 0.2}


@dataclass
class Gateway:
    """A running gateway and a client speaking to it."""

    app: FastAPI
    client: httpx.AsyncClient
    state: GatewayState

    def metric(self, name: str, **labels: str) -> float:
        """A sample of the gateway's Prometheus registry (0 when not yet recorded)."""
        value = self.state.metrics.registry.get_sample_value(name, labels)
        return value or 0.0

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def upload(
        self,
        token: str,
        content: bytes = b"not really a video",
        *,
        filename: str = "clip.mp4",
        title: str | None = None,
        content_type: str = "video/mp4",
    ) -> httpx.Response:
        data = {"title": title} if title is not None else None
        return await self.client.post(
            "/api/videos",
            headers=self.auth(token),
            files={"file": (filename, content, content_type)},
            data=data,
        )

    async def upload_ok(
        self, token: str, content: bytes = b"bytes", **kwargs: Any
    ) -> dict[str, Any]:
        response = await self.upload(token, content, **kwargs)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


class StartGateway(Protocol):
    def __call__(self, **overrides: Any) -> contextlib.AbstractAsyncContextManager[Gateway]: ...


def make_config(
    database_url: str, nats_url: str, blob_root: Path, jwt_secret: str, **overrides: Any
) -> GatewayConfig:
    return GatewayConfig(
        gateway=GatewaySettings(**{**QUIET, **overrides}),
        database=DatabaseSettings(database_url=SecretStr(database_url)),
        bus=BusSettings(nats_url=nats_url),
        blobs=BlobSettings(blob_root=blob_root),
        auth=AuthSettings(jwt_secret=SecretStr(jwt_secret)),
    )


@pytest.fixture
def start_gateway(
    clean_database: str,
    jetstream: JetStreamContext,
    nats_server: NatsServer,
    blob_root: Path,
    jwt_secret: str,
) -> StartGateway:
    """Start a gateway with settings overrides; stopped when the block exits."""

    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Gateway]:
        config = make_config(clean_database, nats_server.url, blob_root, jwt_secret, **overrides)
        app = create_app(config)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
            ) as client,
        ):
            yield Gateway(app=app, client=client, state=app.state.gateway)

    return start


@pytest.fixture
async def gateway(start_gateway: StartGateway) -> AsyncIterator[Gateway]:
    async with start_gateway() as running:
        yield running


def new_id() -> uuid.UUID:
    return uuid.uuid4()


async def publish_job_event(
    js: JetStreamContext, event: JobEvent, *, msg_id: str | None = None
) -> None:
    """Publish a worker's job event to ECHO_JOBS as a worker would (stored, with an id)."""
    name = event_name(event)
    await js.publish(
        subjects.job_event(event.kind, name),
        event.model_dump_json().encode(),
        stream="ECHO_JOBS",
        headers={"Nats-Msg-Id": msg_id or f"{event.job_id}:{name}:{event.event_id}"},
    )


def event_name(event: JobEvent) -> str:
    """`started`, `progress`, `completed` or `failed`: the last part of the subject."""
    return str(getattr(event, "event_type", "")).removeprefix("job.")


def job_ids(upload: dict[str, Any]) -> dict[JobKind, uuid.UUID]:
    """The job ids of an upload response, by kind."""
    return {JobKind(job["kind"]): uuid.UUID(job["id"]) for job in upload["jobs"]}
