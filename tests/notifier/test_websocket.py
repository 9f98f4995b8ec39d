"""`/ws/jobs` against a real notifier and real NATS: each user sees only their jobs,
in order; a late client gets the current state first; the video filter holds."""

import asyncio
import time
from uuid import UUID, uuid4

import httpx
import pytest
from nats.js import JetStreamContext
from websockets.asyncio.client import ClientConnection, connect

from contracts import subjects
from contracts.enums import ProcessingStatus
from contracts.rest import JobStatusUpdate
from tests.notifier.harness import (
    RunningNotifier,
    consumer_count,
    publish_status,
    status_event,
    wait_until_no_consumer,
)

RECV_SECONDS = 5.0


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def recv_update(ws: ClientConnection) -> JobStatusUpdate:
    raw = await asyncio.wait_for(ws.recv(), RECV_SECONDS)
    return JobStatusUpdate.model_validate_json(raw)


async def recv_updates(ws: ClientConnection, count: int) -> list[JobStatusUpdate]:
    return [await recv_update(ws) for _ in range(count)]


def versions(updates: list[JobStatusUpdate]) -> list[tuple[UUID, int]]:
    return [(update.job_id, update.version) for update in updates]


async def test_each_user_gets_own_updates_in_order(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
    other_token: str,
) -> None:
    video, other_video = uuid4(), uuid4()
    job_1, job_2, other_job = uuid4(), uuid4(), uuid4()
    async with (
        connect(notifier.ws_url, additional_headers=bearer(token)) as mine,
        connect(notifier.ws_url, additional_headers=bearer(other_token)) as theirs,
    ):
        published = [
            status_event(user_id, video, job_1, 1),
            status_event(other_user_id, other_video, other_job, 1),
            status_event(user_id, video, job_1, 2),
            status_event(user_id, video, job_2, 1),
            status_event(other_user_id, other_video, other_job, 2),
            status_event(user_id, video, job_1, 3, ProcessingStatus.COMPLETED, progress=100),
        ]
        for event in published:
            await publish_status(jetstream, event)

        received = await recv_updates(mine, 4)
        assert versions(received) == [(job_1, 1), (job_1, 2), (job_2, 1), (job_1, 3)]
        assert received[-1].status is ProcessingStatus.COMPLETED
        assert received[-1].progress == 100
        assert {update.video_id for update in received} == {video}
        assert versions(await recv_updates(theirs, 2)) == [(other_job, 1), (other_job, 2)]

        # Nothing of theirs is queued behind: my next message is my next update.
        await publish_status(jetstream, status_event(other_user_id, other_video, other_job, 3))
        await publish_status(jetstream, status_event(user_id, video, job_2, 2))
        assert versions([await recv_update(mine)]) == [(job_2, 2)]


async def test_update_carries_every_field(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    event = status_event(
        user_id, uuid4(), uuid4(), 4, ProcessingStatus.FAILED, error_message="Truncated file."
    )
    await publish_status(jetstream, event)
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        update = await recv_update(ws)
    assert update.model_dump() == {
        "type": "job.status",
        "job_id": event.job_id,
        "video_id": event.video_id,
        "kind": event.kind,
        "status": ProcessingStatus.FAILED,
        "progress": event.progress,
        "eta_seconds": None,
        "error_code": event.error_code,
        "error_message": "Truncated file.",
        "video_status": ProcessingStatus.FAILED,
        "version": 4,
        "occurred_at": event.occurred_at,
    }


async def test_late_client_gets_current_state_then_live_changes(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
) -> None:
    video = uuid4()
    job_1, job_2 = uuid4(), uuid4()
    for version in (1, 2, 3):
        await publish_status(jetstream, status_event(user_id, video, job_1, version))
    for version in (1, 2):
        await publish_status(jetstream, status_event(user_id, video, job_2, version))
    await publish_status(jetstream, status_event(other_user_id, uuid4(), uuid4(), 1))

    async with connect(notifier.ws_url + f"?access_token={token}") as ws:
        snapshot = await recv_updates(ws, 2)
        assert sorted(versions(snapshot)) == sorted([(job_1, 3), (job_2, 2)])
        await publish_status(
            jetstream, status_event(user_id, video, job_2, 3, ProcessingStatus.COMPLETED)
        )
        live = await recv_update(ws)
    assert (live.job_id, live.version, live.status) == (job_2, 3, ProcessingStatus.COMPLETED)


async def test_video_filter(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    wanted, other = uuid4(), uuid4()
    wanted_job, other_job = uuid4(), uuid4()
    await publish_status(jetstream, status_event(user_id, other, other_job, 1))
    await publish_status(jetstream, status_event(user_id, wanted, wanted_job, 1))
    url = f"{notifier.ws_url}?video_id={wanted}"
    async with connect(url, additional_headers=bearer(token)) as ws:
        assert versions([await recv_update(ws)]) == [(wanted_job, 1)]
        await publish_status(jetstream, status_event(user_id, other, other_job, 2))
        await publish_status(jetstream, status_event(user_id, wanted, wanted_job, 2))
        update = await recv_update(ws)
    assert (update.video_id, update.version) == (wanted, 2)


async def test_malformed_message_is_skipped(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    job = uuid4()
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        garbage_subject = subjects.job_status(user_id, uuid4())
        await jetstream.publish(garbage_subject, b"{not json", stream="ECHO_STATUS")
        await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
        assert versions([await recv_update(ws)]) == [(job, 1)]
    assert any("skipping malformed status message" in r.getMessage() for r in caplog.records)


async def test_disconnect_deletes_consumer_and_metrics_follow(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        assert await consumer_count(jetstream, user_id) == 1
        await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
        await recv_update(ws)
        gauge = notifier.state.metrics.connections.labels("ws")
        assert gauge._value.get() == 1

    await wait_until_no_consumer(jetstream, user_id)
    deadline = time.monotonic() + RECV_SECONDS
    while gauge._value.get():
        assert time.monotonic() < deadline, "the connection was never counted as closed"
        await asyncio.sleep(0.05)

    async with httpx.AsyncClient(base_url=notifier.url) as http:
        text = (await http.get("/metrics")).text
    assert 'echo_notifier_updates_sent_total{transport="ws"} 1.0' in text
    assert 'echo_notifier_open_connections{transport="ws"} 0.0' in text
