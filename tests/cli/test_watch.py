"""The CLI's job watcher against a real notifier: it returns each job's final status
and the exit code, survives a notifier restart, and stops on a refused token."""

import asyncio
import time
from uuid import UUID, uuid4

import pytest
from nats.js import JetStreamContext

from contracts.enums import JobKind, ProcessingStatus
from contracts.rest import JobStatusUpdate
from services.cli.watch import JobTracker, WatchError, watch_jobs, websocket_url
from services.common.auth import mint_token
from services.devstack.servers import NatsServer
from services.notifier.feed import to_update
from tests.notifier.harness import (
    RunningNotifier,
    consumer_count,
    publish_status,
    run_notifier,
    status_event,
)

WATCH_SECONDS = 10.0


async def until_watching(js: JetStreamContext, user_id: UUID, count: int = 1) -> None:
    """Wait until the notifier holds `count` consumers for the user (watchers connected)."""
    deadline = time.monotonic() + WATCH_SECONDS
    while await consumer_count(js, user_id) != count:
        assert time.monotonic() < deadline, "the watcher never connected"
        await asyncio.sleep(0.02)


async def test_watcher_follows_jobs_to_completion(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    video, transcode, metadata = uuid4(), uuid4(), uuid4()
    await publish_status(jetstream, status_event(user_id, video, transcode, 1))
    seen: list[JobStatusUpdate] = []
    watching = asyncio.create_task(
        watch_jobs(
            notifier.url, token, [transcode, metadata], video_id=video, on_update=seen.append
        )
    )
    await until_watching(jetstream, user_id)
    other_video_job = uuid4()
    await publish_status(jetstream, status_event(user_id, uuid4(), other_video_job, 1))
    await publish_status(
        jetstream, status_event(user_id, video, metadata, 1, kind=JobKind.METADATA)
    )
    await publish_status(jetstream, status_event(user_id, video, transcode, 2))
    await publish_status(
        jetstream,
        status_event(user_id, video, metadata, 2, ProcessingStatus.COMPLETED, progress=100),
    )
    assert not watching.done()
    await publish_status(
        jetstream,
        status_event(user_id, video, transcode, 3, ProcessingStatus.COMPLETED, progress=100),
    )
    tracker = await asyncio.wait_for(watching, WATCH_SECONDS)

    assert tracker.exit_code == 0
    assert {job: u.status for job, u in tracker.latest.items()} == {
        transcode: ProcessingStatus.COMPLETED,
        metadata: ProcessingStatus.COMPLETED,
    }
    assert [(u.job_id, u.version) for u in seen if u.job_id == transcode] == [
        (transcode, 1),
        (transcode, 2),
        (transcode, 3),
    ]
    assert other_video_job not in {u.job_id for u in seen}


async def test_watcher_reports_a_failure(
    notifier: RunningNotifier, jetstream: JetStreamContext, user_id: UUID, token: str
) -> None:
    video, transcode, metadata = uuid4(), uuid4(), uuid4()
    await publish_status(
        jetstream, status_event(user_id, video, transcode, 3, ProcessingStatus.COMPLETED)
    )
    await publish_status(
        jetstream,
        status_event(
            user_id, video, metadata, 2, ProcessingStatus.FAILED, error_message="Not a video."
        ),
    )
    tracker = await asyncio.wait_for(
        watch_jobs(notifier.url, token, [transcode, metadata]), WATCH_SECONDS
    )
    assert tracker.exit_code == 1
    assert [(f.job_id, f.error_message) for f in tracker.failures] == [(metadata, "Not a video.")]


async def test_watcher_reconnects_and_catches_up_after_a_restart(
    nats_server: NatsServer,
    jetstream: JetStreamContext,
    jwt_secret: str,
    user_id: UUID,
    token: str,
) -> None:
    video, job = uuid4(), uuid4()
    retries: list[str] = []
    async with run_notifier(nats_server.url, jwt_secret) as first:
        port = first.port
        watching = asyncio.create_task(
            watch_jobs(first.url, token, [job], on_retry=retries.append, retry_seconds=0.1)
        )
        await publish_status(jetstream, status_event(user_id, video, job, 1))
        await until_watching(jetstream, user_id)
    # The notifier is down: the job finishes meanwhile.
    await publish_status(jetstream, status_event(user_id, video, job, 2))
    await publish_status(jetstream, status_event(user_id, video, job, 3, ProcessingStatus.FAILED))
    async with run_notifier(nats_server.url, jwt_secret, port=port):
        tracker = await asyncio.wait_for(watching, WATCH_SECONDS)
    assert retries, "the watcher never noticed the restart"
    assert tracker.latest[job].version == 3
    assert tracker.exit_code == 1


async def test_refused_token_stops_the_watcher(
    notifier: RunningNotifier, jwt_secret: str, user_id: UUID
) -> None:
    expired = mint_token(jwt_secret, user_id, ttl_seconds=-3600)
    with pytest.raises(WatchError, match="token_expired"):
        await asyncio.wait_for(watch_jobs(notifier.url, expired, [uuid4()]), WATCH_SECONDS)


def test_tracker_ignores_stale_and_foreign_updates() -> None:
    job = uuid4()
    tracker = JobTracker(frozenset([job]))

    def update(job_id: UUID, version: int, status: ProcessingStatus) -> JobStatusUpdate:
        return to_update(status_event(uuid4(), uuid4(), job_id, version, status))

    assert tracker.apply(update(job, 5, ProcessingStatus.PROCESSING))
    assert not tracker.apply(update(job, 4, ProcessingStatus.COMPLETED))
    assert not tracker.apply(update(uuid4(), 6, ProcessingStatus.COMPLETED))
    assert not tracker.finished
    assert tracker.exit_code == 1
    assert tracker.apply(update(job, 6, ProcessingStatus.COMPLETED))
    assert (tracker.finished, tracker.exit_code) == (True, 0)


def test_websocket_url() -> None:
    video = uuid4()
    assert websocket_url("https://echo.example/live/") == "wss://echo.example/live/ws/jobs"
    assert websocket_url("http://127.0.0.1:8003", video) == (
        f"ws://127.0.0.1:8003/ws/jobs?video_id={video}"
    )
