"""Resuming after a disconnect, with both real clients (`websockets` with `since`,
`httpx-sse` with `Last-Event-ID`): exactly the statuses stored while away, once each
and in order, then live ones, including those published during the reconnection; a
resume point too old or unknown gets a snapshot that says why; only the user's own."""

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
from nats.js import JetStreamContext

from contracts.enums import ProcessingStatus
from contracts.live import JobStatusUpdate, ServerMessage, SnapshotReason, SnapshotStart
from services.devstack.servers import NatsServer
from tests.support.notifier import (
    RunningNotifier,
    live_client,
    publish_status,
    receive_until,
    run_notifier,
    status_event,
    stored_statuses,
)

TRANSPORTS = ["ws", "sse"]
QUIET_SECONDS = 0.5


async def pin_stream_start(js: JetStreamContext, owner_id: UUID) -> None:
    """Store a status never superseded, as a week of other users' jobs would: without it,
    this test's few messages would move the stream's first sequence past the resume point
    (the stream keeps one status per job) and the resume would be `resume_too_old`."""
    await publish_status(js, status_event(owner_id, uuid4(), uuid4(), 1))


def statuses(messages: list[ServerMessage]) -> list[JobStatusUpdate]:
    return [message for message in messages if isinstance(message, JobStatusUpdate)]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_resume_replays_each_missed_status_once_in_order_then_live(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    other_user_id: UUID,
    token: str,
    transport: str,
) -> None:
    video = uuid4()
    running, finishing, superseded = uuid4(), uuid4(), uuid4()
    await pin_stream_start(jetstream, other_user_id)
    async with live_client(notifier, transport, token) as receive:
        await receive_until(receive, "snapshot.end")
        await publish_status(jetstream, status_event(user_id, video, running, 1))
        last_seen = await receive()
    assert isinstance(last_seen, JobStatusUpdate)
    since = last_seen.sequence

    # While away: a job finishes, another changes twice (the stream keeps its latest),
    # another user's job changes.
    await publish_status(jetstream, status_event(user_id, video, superseded, 1))
    await publish_status(jetstream, status_event(user_id, video, running, 2))
    await publish_status(
        jetstream, status_event(user_id, video, finishing, 1, ProcessingStatus.COMPLETED)
    )
    await publish_status(jetstream, status_event(other_user_id, uuid4(), uuid4(), 1))
    await publish_status(jetstream, status_event(user_id, video, superseded, 2))
    missed = await stored_statuses(jetstream, user_id, since)
    assert len(missed) == 3

    async with live_client(notifier, transport, token, since=since) as receive:
        # Statuses published during the reconnection must come exactly once too.
        during = [uuid4() for _ in range(5)]
        publishing = asyncio.gather(
            *(publish_status(jetstream, status_event(user_id, video, job, 1)) for job in during)
        )
        received = [await receive() for _ in range(len(missed) + len(during))]
        published_during = await publishing
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(receive(), QUIET_SECONDS)

    updates = statuses(received)
    assert len(updates) == len(received), "a resume is not a snapshot: no markers"
    sequences = [update.sequence for update in updates]
    assert sequences == sorted(sequences)
    assert sequences == missed + sorted(published_during)
    assert {update.job_id for update in updates[:3]} == {running, finishing, superseded}
    assert all(update.video_id == video for update in updates)
    completed = next(update for update in updates if update.job_id == finishing)
    assert completed.status is ProcessingStatus.COMPLETED


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_too_old_resume_point_gets_a_snapshot_that_says_so(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
    transport: str,
) -> None:
    job = uuid4()
    since = await publish_status(jetstream, status_event(user_id, uuid4(), job, 1))
    # Two more versions of the same job: the stream now starts after `since + 1`.
    await publish_status(jetstream, status_event(user_id, uuid4(), job, 2))
    latest = await publish_status(jetstream, status_event(user_id, uuid4(), job, 3))

    async with live_client(notifier, transport, token, since=since) as receive:
        start, *snapshot, end = await receive_until(receive, "snapshot.end")
    assert isinstance(start, SnapshotStart)
    assert start.reason is SnapshotReason.RESUME_TOO_OLD
    assert [(u.job_id, u.version, u.sequence) for u in statuses(snapshot)] == [(job, 3, latest)]
    assert end.sequence >= latest


@pytest.fixture
async def short_memory_notifier(
    nats_server: NatsServer, jetstream: JetStreamContext, jwt_secret: str
) -> AsyncIterator[RunningNotifier]:
    async with run_notifier(nats_server.url, jwt_secret, resume_max_messages=2) as running:
        yield running


async def test_resume_further_behind_than_the_limit_gets_a_snapshot(
    short_memory_notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
) -> None:
    since = await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    for _ in range(3):
        await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    async with live_client(short_memory_notifier, "ws", token, since=since) as receive:
        start, *snapshot, _ = await receive_until(receive, "snapshot.end")
    assert isinstance(start, SnapshotStart)
    assert start.reason is SnapshotReason.RESUME_TOO_OLD
    assert len(snapshot) == 4


async def test_resume_point_past_the_stream_gets_a_fresh_snapshot(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    latest = await publish_status(jetstream, status_event(user_id, uuid4(), uuid4(), 1))
    async with live_client(notifier, "ws", token, since=latest + 1000) as receive:
        start, *snapshot, _ = await receive_until(receive, "snapshot.end")
    assert isinstance(start, SnapshotStart)
    assert start.reason is SnapshotReason.RESUME_UNKNOWN
    assert [update.sequence for update in statuses(snapshot)] == [latest]


async def test_snapshot_leaves_out_jobs_finished_long_ago(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
) -> None:
    recent_window = notifier.state.settings.snapshot_recent_seconds
    stale, pending_stale, recent = uuid4(), uuid4(), uuid4()
    old = status_event(user_id, uuid4(), stale, 2, ProcessingStatus.COMPLETED)
    long_ago = old.occurred_at.timestamp() - recent_window - 60
    moved = old.occurred_at.fromtimestamp(long_ago, old.occurred_at.tzinfo)
    await publish_status(jetstream, old.model_copy(update={"occurred_at": moved}))
    stuck = status_event(user_id, uuid4(), pending_stale, 1, ProcessingStatus.PENDING)
    await publish_status(jetstream, stuck.model_copy(update={"occurred_at": moved}))
    await publish_status(
        jetstream, status_event(user_id, uuid4(), recent, 3, ProcessingStatus.FAILED)
    )
    async with live_client(notifier, "ws", token) as receive:
        _, *snapshot, end = await receive_until(receive, "snapshot.end")
    assert {update.job_id for update in statuses(snapshot)} == {pending_stale, recent}
    assert end.model_dump()["jobs"] == 2
