"""`/sse/jobs` against a real notifier, read with an SSE client library (`httpx-sse`):
the same messages as the WebSocket, as events named by their type, each with its
resume point as `id`; keepalive comments when idle."""

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import httpx
import pytest
from httpx_sse import aconnect_sse
from nats.js import JetStreamContext

from contracts.live import JobProgressUpdate, JobStatusUpdate, SnapshotEnd, SnapshotStart
from services.devstack.servers import NatsServer
from tests.support.notifier import (
    RunningNotifier,
    next_sse,
    progress_event,
    publish_progress,
    publish_status,
    run_notifier,
    sse_message,
    sse_until,
    status_event,
)

TIMEOUT = httpx.Timeout(5.0)


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
    headers = {"Authorization": f"Bearer {token}"}

    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=TIMEOUT) as http,
        aconnect_sse(http, "GET", "/sse/jobs", headers=headers) as source,
    ):
        response = source.response
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = source.aiter_sse()
        start, snapshot, end = await sse_until(events, "snapshot.end")
        assert isinstance(sse_message(start), SnapshotStart)
        assert (snapshot.event, snapshot.id) == ("job.status", str(latest))
        update = sse_message(snapshot)
        assert isinstance(update, JobStatusUpdate)
        assert (update.job_id, update.version, update.sequence) == (job, 2, latest)
        last_of_snapshot = sse_message(end)
        assert isinstance(last_of_snapshot, SnapshotEnd)
        assert last_of_snapshot.jobs == 1
        assert int(end.id) == last_of_snapshot.sequence >= latest

        await publish_status(jetstream, status_event(other_user_id, uuid4(), uuid4(), 2))
        live_seq = await publish_status(jetstream, status_event(user_id, video, job, 3))
        live = await next_sse(events)
        assert (live.event, live.id) == ("job.status", str(live_seq))
        live_update = sse_message(live)
        assert isinstance(live_update, JobStatusUpdate)
        assert live_update.version == 3


async def test_sse_progress_events_carry_the_resume_point(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
) -> None:
    video, job = uuid4(), uuid4()
    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=TIMEOUT) as http,
        aconnect_sse(http, "GET", "/sse/jobs", params={"access_token": token}) as source,
    ):
        events = source.aiter_sse()
        await sse_until(events, "snapshot.end")
        status_seq = await publish_status(jetstream, status_event(user_id, video, job, 1))
        await publish_progress(jetstream, progress_event(other_user_id, uuid4(), uuid4(), 70.0))
        for percent in (25.0, 50.0):
            await publish_progress(jetstream, progress_event(user_id, video, job, percent))
        received = [await next_sse(events) for _ in range(3)]
    assert [(event.event, event.id) for event in received] == [
        ("job.status", str(status_seq)),
        ("job.progress", str(status_seq)),
        ("job.progress", str(status_seq)),
    ]
    updates = [sse_message(event) for event in received[1:]]
    assert all(isinstance(update, JobProgressUpdate) for update in updates)
    assert [(u.job_id, u.progress, u.sequence) for u in updates if u.type == "job.progress"] == [
        (job, 25.0, status_seq),
        (job, 50.0, status_seq),
    ]


@pytest.mark.parametrize("by", ["video_id", "job_id"])
async def test_sse_filters_and_query_token(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str, by: str
) -> None:
    wanted_video, wanted_job = uuid4(), uuid4()
    await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    await publish_status(jetstream, status_event(user_id, wanted_video, wanted_job, 1))
    wanted = wanted_video if by == "video_id" else wanted_job
    params = {"access_token": token, by: str(wanted)}
    async with (
        httpx.AsyncClient(base_url=notifier.url, timeout=TIMEOUT) as http,
        aconnect_sse(http, "GET", "/sse/jobs", params=params) as source,
    ):
        assert source.response.status_code == 200
        events = source.aiter_sse()
        _, snapshot, _ = await sse_until(events, "snapshot.end")
        assert sse_message(snapshot).model_dump()["job_id"] == wanted_job
        await publish_progress(jetstream, progress_event(user_id, uuid4(), uuid4(), 10.0))
        await publish_progress(jetstream, progress_event(user_id, wanted_video, wanted_job, 90.0))
        progress = sse_message(await next_sse(events))
    assert isinstance(progress, JobProgressUpdate)
    assert (progress.video_id, progress.job_id) == (wanted_video, wanted_job)


@pytest.fixture
async def chatty_notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret, keepalive_seconds=0.2) as running:
        yield running


async def test_sse_keepalive_comment_when_idle(
    chatty_notifier: RunningNotifier, token: str
) -> None:
    # The SSE library hides comments, as browsers do: read the raw lines.
    async with (
        httpx.AsyncClient(base_url=chatty_notifier.url, timeout=TIMEOUT) as http,
        http.stream("GET", "/sse/jobs", headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith(":"):
                assert line == ": keepalive"
                break
