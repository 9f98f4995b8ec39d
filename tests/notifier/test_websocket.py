"""`/ws/jobs` against a real notifier and real NATS: each user sees only their jobs'
statuses and progress, in order within each type, typed by `type`; a late client gets
the current state first; the video filter holds; a message whose owner differs from
its subject's is dropped and counted."""

from uuid import UUID, uuid4

import httpx
import pytest
from nats.js import JetStreamContext
from websockets.asyncio.client import ClientConnection, connect

from contracts import subjects
from contracts.enums import JobKind, JobPhase, ProcessingStatus
from contracts.events import JobProgressEvent, JobStatusChangedEvent
from contracts.live import JobProgressUpdate, JobStatusUpdate
from contracts.streams import PROGRESS, STATUS
from tests.support.bus import eventually
from tests.support.notifier import (
    RECV_SECONDS,
    RunningNotifier,
    progress_event,
    publish_progress,
    publish_status,
    recv_live,
    recv_status,
    recv_until,
    status_consumer_count,
    status_event,
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def recv_statuses(ws: ClientConnection, count: int) -> list[JobStatusUpdate]:
    return [await recv_status(ws) for _ in range(count)]


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

        received = await recv_statuses(mine, 4)
        assert versions(received) == [(job_1, 1), (job_1, 2), (job_2, 1), (job_1, 3)]
        assert received[-1].status is ProcessingStatus.COMPLETED
        assert received[-1].progress == 100
        assert {update.video_id for update in received} == {video}
        assert versions(await recv_statuses(theirs, 2)) == [(other_job, 1), (other_job, 2)]

        # Nothing of theirs is queued behind: my next message is my next update.
        await publish_status(jetstream, status_event(other_user_id, other_video, other_job, 3))
        await publish_status(jetstream, status_event(user_id, video, job_2, 2))
        assert versions([await recv_status(mine)]) == [(job_2, 2)]


async def test_status_update_is_the_event_with_its_type(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    event = status_event(
        user_id, uuid4(), uuid4(), 4, ProcessingStatus.FAILED, error_message="Truncated file."
    )
    sequence = await publish_status(jetstream, event)
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        update = await recv_status(ws)
    assert (update.type, update.sequence) == ("job.status", sequence)
    assert update.model_dump(exclude={"type", "sequence"}) == event.model_dump(
        include=set(JobStatusUpdate.model_fields) - {"type", "sequence"}
    )
    assert update.error_message == "Truncated file."


async def test_progress_and_status_each_in_order_and_typed(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
) -> None:
    video, job = uuid4(), uuid4()
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        await publish_status(jetstream, status_event(user_id, video, job, 1))
        for percent in (10.0, 20.0, 30.0):
            await publish_progress(jetstream, progress_event(user_id, video, job, percent))
            await publish_progress(jetstream, progress_event(other_user_id, uuid4(), uuid4(), 50))
        await publish_status(
            jetstream, status_event(user_id, video, job, 2, ProcessingStatus.COMPLETED)
        )
        received = [await recv_live(ws) for _ in range(5)]
        await publish_progress(jetstream, progress_event(user_id, video, job, 40.0))
        received.append(await recv_live(ws))

    statuses = [u for u in received if isinstance(u, JobStatusUpdate)]
    progress = [u for u in received if isinstance(u, JobProgressUpdate)]
    assert [(u.type, u.version) for u in statuses] == [("job.status", 1), ("job.status", 2)]
    assert [(u.type, u.progress) for u in progress] == [
        ("job.progress", 10.0),
        ("job.progress", 20.0),
        ("job.progress", 30.0),
        ("job.progress", 40.0),
    ]
    first = progress[0]
    assert (first.job_id, first.video_id, first.kind) == (job, video, JobKind.TRANSCODE)
    assert (first.status, first.phase, first.eta_seconds) == (
        ProcessingStatus.PROCESSING,
        JobPhase.TRANSCODING,
        9.0,
    )


async def test_another_users_progress_never_arrives(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
    other_token: str,
) -> None:
    mine, theirs = uuid4(), uuid4()
    async with (
        connect(notifier.ws_url, additional_headers=bearer(token)) as ws,
        connect(notifier.ws_url, additional_headers=bearer(other_token)) as other_ws,
    ):
        await publish_progress(jetstream, progress_event(other_user_id, uuid4(), theirs, 60.0))
        # Theirs reached the bus and their connection before mine was published.
        assert (await recv_live(other_ws)).job_id == theirs
        await publish_progress(jetstream, progress_event(user_id, uuid4(), mine, 5.0))
        update = await recv_live(ws)
    assert (update.type, update.job_id) == ("job.progress", mine)


@pytest.mark.parametrize("kind", ["job.status", "job.progress"])
async def test_message_whose_owner_differs_from_its_subject_is_dropped_and_counted(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
    kind: str,
) -> None:
    job, intruder = uuid4(), uuid4()
    forged: JobStatusChangedEvent | JobProgressEvent
    async with connect(notifier.ws_url, additional_headers=bearer(token)) as ws:
        if kind == "job.status":
            forged = status_event(other_user_id, uuid4(), intruder, 1)
            subject, stream = subjects.job_status(user_id, intruder), STATUS.name
        else:
            forged = progress_event(other_user_id, uuid4(), intruder, 50.0)
            subject, stream = subjects.job_progress(user_id, intruder), PROGRESS.name
        # Published on *my* subject, as a buggy or hostile producer could.
        await jetstream.publish(subject, forged.model_dump_json().encode(), stream=stream)
        await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
        assert (await recv_live(ws)).job_id == job

    async def counted() -> bool:
        labels = {"type": kind, "reason": "wrong_owner"}
        return notifier.metric("echo_notifier_dropped_total", **labels) == 1

    await eventually(counted, within=RECV_SECONDS, what="the drop to be counted")


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
        snapshot = await recv_statuses(ws, 2)
        assert sorted(versions(snapshot)) == sorted([(job_1, 3), (job_2, 2)])
        await publish_status(
            jetstream, status_event(user_id, video, job_2, 3, ProcessingStatus.COMPLETED)
        )
        live = await recv_status(ws)
    assert (live.job_id, live.version, live.status) == (job_2, 3, ProcessingStatus.COMPLETED)


async def test_video_filter_applies_to_status_and_progress(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    wanted, other = uuid4(), uuid4()
    wanted_job, other_job = uuid4(), uuid4()
    await publish_status(jetstream, status_event(user_id, other, other_job, 1))
    await publish_status(jetstream, status_event(user_id, wanted, wanted_job, 1))
    url = f"{notifier.ws_url}?video_id={wanted}"
    async with connect(url, additional_headers=bearer(token)) as ws:
        assert versions([await recv_status(ws)]) == [(wanted_job, 1)]
        await publish_progress(jetstream, progress_event(user_id, other, other_job, 50.0))
        await publish_status(jetstream, status_event(user_id, other, other_job, 2))
        await publish_progress(jetstream, progress_event(user_id, wanted, wanted_job, 20.0))
        await publish_status(jetstream, status_event(user_id, wanted, wanted_job, 2))
        progress, status = await recv_live(ws), await recv_live(ws)
    assert isinstance(progress, JobProgressUpdate)
    assert (progress.video_id, progress.progress) == (wanted, 20.0)
    assert isinstance(status, JobStatusUpdate)
    assert (status.video_id, status.version) == (wanted, 2)


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
        await jetstream.publish(garbage_subject, b"{not json", stream=STATUS.name)
        await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
        assert versions([await recv_status(ws)]) == [(job, 1)]
    assert any("dropped malformed job.status" in r.getMessage() for r in caplog.records)
    dropped = {"type": "job.status", "reason": "malformed"}
    assert notifier.metric("echo_notifier_dropped_total", **dropped) == 1


async def test_connections_cost_no_consumer_and_metrics_follow(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
    other_token: str,
) -> None:
    replica_consumers = await status_consumer_count(jetstream)
    async with (
        connect(notifier.ws_url, additional_headers=bearer(token)) as ws,
        connect(notifier.ws_url, additional_headers=bearer(token)) as again,
        connect(notifier.ws_url, additional_headers=bearer(other_token)) as other,
    ):
        for client in (ws, again, other):
            await recv_until(client, "snapshot.end")
        # Only the replica's own consumer; catch-up reads are deleted once read.
        assert await status_consumer_count(jetstream) == replica_consumers
        assert (await jetstream.stream_info(PROGRESS.name)).state.consumer_count == 0
        await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
        await recv_live(ws)
        await recv_live(again)
        await publish_progress(jetstream, progress_event(user_id, uuid4(), uuid4(), 1.0))
        await recv_live(ws)
        await recv_live(again)
        assert notifier.metric("echo_notifier_connections", transport="ws") == 3

    async def closed() -> bool:
        no_listeners = notifier.state.hub.connections == 0
        return no_listeners and notifier.metric("echo_notifier_connections", transport="ws") == 0

    await eventually(closed, within=RECV_SECONDS, what="the connections counted as closed")
    assert await status_consumer_count(jetstream) == replica_consumers
    async with httpx.AsyncClient(base_url=notifier.url) as http:
        text = (await http.get("/metrics")).text
    assert 'echo_notifier_messages_total{transport="ws",type="job.status"} 2.0' in text
    assert 'echo_notifier_messages_total{transport="ws",type="job.progress"} 2.0' in text
    assert 'echo_notifier_connections{transport="ws"} 0.0' in text
