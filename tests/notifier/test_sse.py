"""`/sse/jobs` against a real notifier: the same updates as the WebSocket, as SSE events
whose id is the stream sequence, and keepalive comments when idle."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from uuid import UUID, uuid4

import httpx
import pytest
from nats.js import JetStreamContext

from contracts.rest import JobStatusUpdate
from services.devstack.servers import NatsServer
from tests.notifier.harness import (
    RunningNotifier,
    publish_status,
    run_notifier,
    status_event,
    wait_until_no_consumer,
)

TIMEOUT = httpx.Timeout(5.0)


@dataclass
class SseEvent:
    """One dispatched block of an event stream (fields as the browser would see them)."""

    id: str | None = None
    data: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    def update(self) -> JobStatusUpdate:
        return JobStatusUpdate.model_validate_json("\n".join(self.data))


async def sse_events(response: httpx.Response) -> AsyncIterator[SseEvent]:
    """Parse `text/event-stream` incrementally, one blank-line-terminated block at a time."""
    current = SseEvent()
    async for line in response.aiter_lines():
        if line == "":
            yield current
            current = SseEvent()
        elif line.startswith(":"):
            current.comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "id":
                current.id = value
            elif name == "data":
                current.data.append(value)
            elif name == "retry":
                current.retry = int(value)


async def next_update(events: AsyncIterator[SseEvent]) -> SseEvent:
    async for event in events:
        if event.data:
            return event
    raise AssertionError("the stream ended")


async def test_sse_snapshot_then_live_with_sequence_ids(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
) -> None:
    video, job = uuid4(), uuid4()
    await publish_status(jetstream, status_event(user_id, video, job, 1))
    latest = await publish_status(jetstream, status_event(user_id, video, job, 2))
    await publish_status(jetstream, status_event(other_user_id, uuid4(), uuid4(), 1))

    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=TIMEOUT) as http,
        http.stream("GET", "/sse/jobs", headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = sse_events(response)
        first = await anext(events)
        assert first.retry is not None
        snapshot = await next_update(events)
        assert snapshot.id == str(latest)
        assert (snapshot.update().job_id, snapshot.update().version) == (job, 2)

        await publish_status(jetstream, status_event(other_user_id, uuid4(), uuid4(), 2))
        live_seq = await publish_status(jetstream, status_event(user_id, video, job, 3))
        live = await next_update(events)
        assert live.id == str(live_seq)
        assert live.update().version == 3
        assert json.loads(live.data[0])["type"] == "job.status"
    await wait_until_no_consumer(jetstream, user_id)


async def test_sse_video_filter_and_query_token(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    wanted = uuid4()
    await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    wanted_job = uuid4()
    await publish_status(jetstream, status_event(user_id, wanted, wanted_job, 1))
    params = {"access_token": token, "video_id": str(wanted)}
    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=TIMEOUT) as http,
        http.stream("GET", "/sse/jobs", params=params) as response,
    ):
        assert response.status_code == 200
        event = await next_update(sse_events(response))
    assert event.update().job_id == wanted_job


@pytest.fixture
async def chatty_notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret, keepalive_seconds=0.2) as running:
        yield running


async def test_sse_keepalive_comment_when_idle(
    chatty_notifier: RunningNotifier, token: str
) -> None:
    async with (
        httpx.AsyncClient(base_url=chatty_notifier.url, timeout=TIMEOUT) as http,
        http.stream("GET", "/sse/jobs", headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        async for event in sse_events(response):
            if event.comments:
                assert event.comments == ["keepalive"]
                assert not event.data
                break
