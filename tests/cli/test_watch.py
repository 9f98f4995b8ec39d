"""The CLI's job watcher against the platform's real notifier (`stack`): it follows
recorded statuses and reported progress to each job's end, returns the exit code,
survives a notifier restart, and stops on a refused token.

Status changes and progress are put on the bus as the gateway and the workers do.
"""

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import nats
import pytest
from nats.js import JetStreamContext

from contracts.enums import JobKind, JobPhase, ProcessingStatus
from contracts.live import JobProgressUpdate, JobStatusUpdate
from contracts.problems import ProblemCode
from services.cli.watch import JobTracker, Update, WatchError, watch_jobs, websocket_url
from services.common.auth import mint_token
from services.devstack.stack import DevStack
from tests.support.bus import eventually
from tests.support.notifier import progress_event, publish_progress, publish_status, status_event

WATCH_SECONDS = 20.0


@pytest.fixture
async def bus(stack: DevStack) -> AsyncIterator[JetStreamContext]:
    assert stack.nats is not None
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.drain()


@pytest.fixture
def user_token(stack: DevStack, user_id: UUID) -> str:
    return mint_token(stack.jwt_secret, user_id)


async def _seen(updates: list[Update], job_id: UUID, version: int) -> None:
    """Wait until the watcher received the job's status `version`: it is connected."""

    async def arrived() -> bool:
        return any(
            isinstance(u, JobStatusUpdate) and (u.job_id, u.version) == (job_id, version)
            for u in updates
        )

    await eventually(arrived, within=WATCH_SECONDS, what=f"status v{version} of {job_id}")


async def test_watcher_follows_status_and_progress_to_completion(
    stack: DevStack, bus: JetStreamContext, user_id: UUID, user_token: str
) -> None:
    video, transcode, metadata = uuid4(), uuid4(), uuid4()
    await publish_status(bus, status_event(user_id, video, transcode, 1))
    seen: list[Update] = []
    watching = asyncio.create_task(
        watch_jobs(
            stack.notifier_url,
            user_token,
            [transcode, metadata],
            video_id=video,
            on_update=seen.append,
        )
    )
    await _seen(seen, transcode, 1)
    other_video_job = uuid4()
    await publish_status(bus, status_event(user_id, uuid4(), other_video_job, 1))
    await publish_status(bus, status_event(user_id, video, metadata, 1, kind=JobKind.METADATA))
    await publish_status(bus, status_event(user_id, video, transcode, 2))
    await publish_progress(bus, progress_event(user_id, video, transcode, 55.0))

    async def progressed() -> bool:
        return any(isinstance(u, JobProgressUpdate) for u in seen)

    await eventually(progressed, within=WATCH_SECONDS, what="a progress update")
    await publish_status(
        bus, status_event(user_id, video, metadata, 2, ProcessingStatus.COMPLETED, progress=100)
    )
    assert not watching.done()
    await publish_status(
        bus, status_event(user_id, video, transcode, 3, ProcessingStatus.COMPLETED, progress=100)
    )
    tracker = await asyncio.wait_for(watching, WATCH_SECONDS)

    assert tracker.exit_code == 0
    assert {job: u.status for job, u in tracker.latest.items()} == {
        transcode: ProcessingStatus.COMPLETED,
        metadata: ProcessingStatus.COMPLETED,
    }
    statuses = [u for u in seen if isinstance(u, JobStatusUpdate) and u.job_id == transcode]
    assert [u.version for u in statuses] == [1, 2, 3]
    (progress,) = [u for u in seen if isinstance(u, JobProgressUpdate)]
    assert (progress.job_id, progress.progress, progress.phase) == (
        transcode,
        55.0,
        JobPhase.TRANSCODING,
    )
    assert other_video_job not in {u.job_id for u in seen}


async def test_watcher_reports_a_failure(
    stack: DevStack, bus: JetStreamContext, user_id: UUID, user_token: str
) -> None:
    video, transcode, metadata = uuid4(), uuid4(), uuid4()
    await publish_status(
        bus, status_event(user_id, video, transcode, 3, ProcessingStatus.COMPLETED)
    )
    await publish_status(
        bus,
        status_event(
            user_id, video, metadata, 2, ProcessingStatus.FAILED, error_message="Not a video."
        ),
    )
    tracker = await asyncio.wait_for(
        watch_jobs(stack.notifier_url, user_token, [transcode, metadata]), WATCH_SECONDS
    )
    assert tracker.exit_code == 1
    assert [(f.job_id, f.error_message) for f in tracker.failures] == [(metadata, "Not a video.")]


async def test_watcher_reconnects_and_catches_up_after_a_notifier_restart(
    stack: DevStack, bus: JetStreamContext, user_id: UUID, user_token: str
) -> None:
    video, job = uuid4(), uuid4()
    retries: list[str] = []
    seen: list[Update] = []
    await publish_status(bus, status_event(user_id, video, job, 1))
    watching = asyncio.create_task(
        watch_jobs(
            stack.notifier_url,
            user_token,
            [job],
            on_update=seen.append,
            on_retry=retries.append,
            retry_seconds=0.1,
        )
    )
    await _seen(seen, job, 1)
    await asyncio.to_thread(stack.stop_service, "notifier")
    # The notifier is down: the job finishes meanwhile.
    await publish_status(bus, status_event(user_id, video, job, 2))
    await publish_status(bus, status_event(user_id, video, job, 3, ProcessingStatus.FAILED))
    stack.start_service("notifier")
    await asyncio.to_thread(stack.wait_ready, 60, ("notifier",))
    tracker = await asyncio.wait_for(watching, WATCH_SECONDS)
    assert retries, "the watcher never noticed the restart"
    assert tracker.latest[job].version == 3
    assert tracker.exit_code == 1


async def test_refused_token_stops_the_watcher(stack: DevStack, user_id: UUID) -> None:
    expired = mint_token(stack.jwt_secret, user_id, ttl_seconds=-3600)
    with pytest.raises(WatchError, match=ProblemCode.TOKEN_EXPIRED) as refused:
        await asyncio.wait_for(watch_jobs(stack.notifier_url, expired, [uuid4()]), WATCH_SECONDS)
    assert refused.value.code is ProblemCode.TOKEN_EXPIRED


def test_tracker_ignores_stale_and_foreign_updates_and_progress_after_the_end() -> None:
    owner, video, job = uuid4(), uuid4(), uuid4()
    tracker = JobTracker(frozenset([job]))

    def status(job_id: UUID, version: int, value: ProcessingStatus) -> JobStatusUpdate:
        return JobStatusUpdate.of(status_event(owner, video, job_id, version, value))

    def progress(percent: float) -> JobProgressUpdate:
        return JobProgressUpdate.of(progress_event(owner, video, job, percent))

    assert tracker.apply(status(job, 5, ProcessingStatus.PROCESSING))
    assert tracker.apply(progress(40))
    assert tracker.progress[job].progress == 40
    assert not tracker.apply(status(job, 4, ProcessingStatus.COMPLETED))
    assert not tracker.apply(status(uuid4(), 6, ProcessingStatus.COMPLETED))
    assert not tracker.finished
    assert tracker.exit_code == 1
    assert tracker.apply(status(job, 6, ProcessingStatus.COMPLETED))
    assert (tracker.finished, tracker.exit_code) == (True, 0)
    assert not tracker.apply(progress(90)), "progress after the end is stale"
    assert job not in tracker.progress


def test_websocket_url() -> None:
    video = uuid4()
    assert websocket_url("https://echo.example/live/") == "wss://echo.example/live/ws/jobs"
    assert websocket_url("http://127.0.0.1:8003", video) == (
        f"ws://127.0.0.1:8003/ws/jobs?video_id={video}"
    )
    assert websocket_url("http://127.0.0.1:8003", video, since=42) == (
        f"ws://127.0.0.1:8003/ws/jobs?video_id={video}&since=42"
    )
