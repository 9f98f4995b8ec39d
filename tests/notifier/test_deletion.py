"""A deleted video's jobs never appear: not live, not in a snapshot, not in a replay,
not even when the deletion lands while a connection is catching up. Each test deletes
on the bus as the gateway does (purge the jobs' statuses, then publish the fact)."""

import asyncio
from uuid import UUID, uuid4

import pytest
from nats.js import JetStreamContext

from contracts.live import (
    CloseReason,
    JobProgressUpdate,
    JobStatusUpdate,
    SnapshotEnd,
    VideoDeleted,
)
from services.notifier.hub import RecentlyDeleted
from services.notifier.listener import Listener
from services.notifier.outgoing import Outgoing
from tests.support.notifier import (
    RunningNotifier,
    delete_video,
    live_client,
    progress_event,
    publish_progress,
    publish_status,
    receive_until,
    status_event,
)

TRANSPORTS = ["ws", "sse"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_deleted_video_leaves_live_snapshot_and_replay(
    notifier: RunningNotifier,
    jetstream: JetStreamContext,
    user_id: UUID,
    token: str,
    transport: str,
) -> None:
    doomed, kept = uuid4(), uuid4()
    doomed_jobs, kept_job = [uuid4(), uuid4()], uuid4()
    for job in doomed_jobs:
        await publish_status(jetstream, status_event(user_id, doomed, job, 1))
    await publish_status(jetstream, status_event(user_id, kept, kept_job, 1))

    async with live_client(notifier, transport, token) as receive:
        before = await receive_until(receive, "snapshot.end")
        assert {m.job_id for m in before if isinstance(m, JobStatusUpdate)} == {
            *doomed_jobs,
            kept_job,
        }
        since = before[-1].sequence
        await delete_video(jetstream, user_id, doomed, doomed_jobs)
        notice = await receive()
        assert isinstance(notice, VideoDeleted)
        assert (notice.video_id, sorted(notice.job_ids)) == (doomed, sorted(doomed_jobs))
        # A worker still running, or a late status: neither reaches the browser.
        await publish_progress(jetstream, progress_event(user_id, doomed, doomed_jobs[0], 50))
        await publish_status(jetstream, status_event(user_id, doomed, doomed_jobs[1], 2))
        await publish_progress(jetstream, progress_event(user_id, kept, kept_job, 20.0))
        after = await receive()
        assert isinstance(after, JobProgressUpdate)
        assert after.job_id == kept_job

    async with live_client(notifier, transport, token) as receive:
        snapshot = await receive_until(receive, "snapshot.end")
    assert {m.video_id for m in snapshot if isinstance(m, JobStatusUpdate)} == {kept}

    await publish_status(jetstream, status_event(user_id, kept, kept_job, 2))
    async with live_client(notifier, transport, token, since=since) as receive:
        replayed = await asyncio.wait_for(receive(), 5.0)
    assert isinstance(replayed, JobStatusUpdate)
    assert (replayed.job_id, replayed.version) == (kept_job, 2)


def status_item(video_id: UUID, job_id: UUID, sequence: int) -> Outgoing:
    update = JobStatusUpdate.of(status_event(uuid4(), video_id, job_id, 1), sequence)
    return Outgoing(update, video_id=video_id, job_id=job_id)


def deletion(video_id: UUID, job_ids: list[UUID]) -> Outgoing:
    return Outgoing(VideoDeleted(video_id=video_id, job_ids=job_ids), video_id=video_id)


async def test_deletion_during_catch_up_drops_what_was_held_and_what_was_read() -> None:
    doomed, kept = uuid4(), uuid4()
    doomed_job, kept_job = uuid4(), uuid4()
    deleted = RecentlyDeleted()
    listener = Listener(uuid4(), video_id=None, job_id=None, limit=10, deleted=deleted)
    read_back = status_item(doomed, doomed_job, 5)  # read from the stream before the purge
    listener.deliver(status_item(doomed, doomed_job, 7))  # live, held during catch-up
    listener.deliver(status_item(kept, kept_job, 8))
    deleted.add(doomed)
    listener.forget(doomed, [doomed_job], deletion(doomed, [doomed_job]))
    assert not listener.wants(read_back)
    listener.caught_up(floor=6)
    queued = [await listener.next(0) for _ in range(2)]
    assert [type(item.message) for item in queued if item] == [VideoDeleted, JobStatusUpdate]
    assert queued[1] is not None
    assert queued[1].job_id == kept_job
    assert await listener.next(0) is None


async def test_deletion_notice_follows_the_filters() -> None:
    video, job = uuid4(), uuid4()
    other_video = Listener(uuid4(), video_id=uuid4(), job_id=None, limit=10)
    same_job = Listener(uuid4(), video_id=None, job_id=job, limit=10)
    for listener in (other_video, same_job):
        listener.caught_up(0)
        listener.forget(video, [job], deletion(video, [job]))
    assert await other_video.next(0) is None
    notice = await same_job.next(0)
    assert notice is not None
    assert isinstance(notice.message, VideoDeleted)


async def test_overflow_closes_as_slow_consumer_and_empties_the_queue() -> None:
    listener = Listener(uuid4(), video_id=None, job_id=None, limit=3)
    listener.caught_up(0)
    video, job = uuid4(), uuid4()
    for sequence in range(1, 5):
        listener.deliver(status_item(video, job, sequence))
    closing = listener.closing
    assert closing is not None
    assert closing.reason is CloseReason.SLOW_CONSUMER
    assert len(listener._queue) == 0
    listener.deliver(status_item(video, job, 9))
    assert len(listener._queue) == 0


async def test_progress_held_during_catch_up_is_each_jobs_latest() -> None:
    listener = Listener(uuid4(), video_id=None, job_id=None, limit=3)
    owner, video, job = uuid4(), uuid4(), uuid4()
    for percent in range(10, 100, 10):  # more ticks than the limit: only the latest is kept
        tick = JobProgressUpdate.of(progress_event(owner, video, job, float(percent)))
        listener.deliver(Outgoing(tick, video_id=video, job_id=job))
    listener.deliver(status_item(video, job, 3))
    listener.caught_up(floor=2)
    first, second = await listener.next(0), await listener.next(0)
    assert first is not None
    assert isinstance(first.message, JobProgressUpdate)
    assert first.message.progress == 90.0
    assert second is not None
    assert isinstance(second.message, JobStatusUpdate)
    assert not isinstance(second.message, SnapshotEnd)
    assert listener.closing is None
