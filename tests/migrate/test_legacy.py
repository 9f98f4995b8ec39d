"""An older release's data folder still starts: `python -m services.migrate` turns what its
dispatch consumers had not acknowledged into commands, retires them, and is a no-op the
second time.

The older release dispatched jobs as `VideoUploadedEvent`s (with `dispatch_attempt`) on
`echo.videos.uploaded`, read by durables `transcoder` and `metadata` on `ECHO_VIDEOS`.
"""

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobRequestedCommand
from contracts.media import BlobRef
from contracts.streams import JOBS, PROJECTOR, VIDEOS, WORKERS
from contracts.subjects import JobStateEvent
from services.common.bus import command_msg_id
from services.devstack.servers import NatsServer
from tests.support.bus import msg_id, stream_messages

# A server of its own: this test rebuilds streams as an older release declared them.
pytestmark = pytest.mark.servers

COMMAND_SUBJECTS = {subjects.job_requested(kind) for kind in JobKind}
LEGACY_DURABLES = {JobKind.TRANSCODE: "transcoder", JobKind.METADATA: "metadata"}


@dataclass(frozen=True)
class Upload:
    video_id: UUID
    owner_id: UUID
    jobs: dict[JobKind, UUID]


@pytest.fixture
def old_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.fixture
async def old_bus(old_server: NatsServer) -> AsyncIterator[NatsClient]:
    client = await nats.connect(old_server.url)
    yield client
    await client.drain()


async def _declare_old_release(js: JetStreamContext) -> None:
    await js.add_stream(StreamConfig(name=VIDEOS.name, subjects=[subjects.VIDEO_EVENTS]))
    await js.add_stream(StreamConfig(name=JOBS.name, subjects=[subjects.JOBS]))
    for durable in LEGACY_DURABLES.values():
        await js.add_consumer(
            VIDEOS.name,
            ConsumerConfig(
                durable_name=durable,
                filter_subject=subjects.VIDEO_UPLOADED,
                ack_policy=AckPolicy.EXPLICIT,
            ),
        )


async def _dispatch(
    js: JetStreamContext, upload: Upload, kinds: list[JobKind], attempt: int
) -> None:
    """Publish a dispatch exactly as the older release's gateway wrote it."""
    source = BlobRef(key=f"videos/{upload.owner_id}/{upload.video_id}/source", size_bytes=10)
    event = {
        "event_id": str(uuid.uuid4()),
        "occurred_at": "2026-11-30T12:00:00Z",
        "schema_version": 1,
        "video_id": str(upload.video_id),
        "owner_id": str(upload.owner_id),
        "event_type": "video.uploaded",
        "source": source.model_dump(mode="json"),
        "original_filename": "clip.mp4",
        "jobs": [{"job_id": str(upload.jobs[kind]), "kind": kind.value} for kind in kinds],
        "dispatch_attempt": attempt,
    }
    await js.publish(subjects.VIDEO_UPLOADED, json.dumps(event).encode())


async def _acknowledge_first(js: JetStreamContext, durable: str) -> None:
    """The older worker of `durable` took and finished the oldest dispatch."""
    subscription = await js.pull_subscribe_bind(durable, stream=VIDEOS.name)
    (message,) = await subscription.fetch(1, timeout=5)
    await message.ack_sync()
    await subscription.unsubscribe()


async def _migrate(url: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.migrate",
        "--skip-database",
        env={**os.environ, "ECHO_NATS_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def _commands(js: JetStreamContext) -> dict[str, JobRequestedCommand]:
    return {
        str(msg_id(message)): JobRequestedCommand.model_validate_json(message.data or b"")
        for message in await stream_messages(js, JOBS.name)
        if message.subject in COMMAND_SUBJECTS
    }


async def test_unacknowledged_dispatches_become_commands_and_old_consumers_go(
    old_server: NatsServer, old_bus: NatsClient
) -> None:
    js = old_bus.jetstream()
    await _declare_old_release(js)
    owner = uuid.uuid4()
    first, second = (
        Upload(uuid.uuid4(), owner, {kind: uuid.uuid4() for kind in JobKind}) for _ in range(2)
    )
    await _dispatch(js, first, list(JobKind), attempt=1)
    await _dispatch(js, second, list(JobKind), attempt=1)
    # The reconciler re-dispatched the second upload's transcode.
    await _dispatch(js, second, [JobKind.TRANSCODE], attempt=2)
    # The transcoder finished the first upload; the metadata worker nothing yet.
    await _acknowledge_first(js, LEGACY_DURABLES[JobKind.TRANSCODE])

    await _migrate(old_server.url)

    commands = await _commands(js)
    expected = {
        (second.jobs[JobKind.TRANSCODE], 1),
        (second.jobs[JobKind.TRANSCODE], 2),
        (first.jobs[JobKind.METADATA], 1),
        (second.jobs[JobKind.METADATA], 1),
    }
    assert set(commands) == {command_msg_id(job, attempt) for job, attempt in expected}
    for command in commands.values():
        upload = first if command.video_id == first.video_id else second
        assert command.job_id == upload.jobs[command.kind]
        assert (command.owner_id, command.original_filename) == (owner, "clip.mp4")
    remaining = {info.name for info in await js.consumers_info(VIDEOS.name)}
    assert not remaining & set(LEGACY_DURABLES.values())
    assert {info.name for info in await js.consumers_info(JOBS.name)} >= {
        spec.durable for spec in WORKERS.values()
    }

    before = [(m.seq, msg_id(m)) for m in await stream_messages(js, JOBS.name)]
    await _migrate(old_server.url)
    assert [(m.seq, msg_id(m)) for m in await stream_messages(js, JOBS.name)] == before
    # The dispatch the transcoder had already done was not run again.
    assert command_msg_id(first.jobs[JobKind.TRANSCODE], 1) not in commands


async def test_the_projector_keeps_its_place_when_its_filter_narrows(
    old_server: NatsServer, old_bus: NatsClient
) -> None:
    """The older projector read all of `echo.jobs.>`; the migrate step narrows it to state
    events in place, so an event it had not projected yet is still waiting for it."""
    js = old_bus.jetstream()
    await js.add_stream(StreamConfig(name=JOBS.name, subjects=[subjects.JOBS]))
    await js.add_consumer(
        JOBS.name,
        ConsumerConfig(
            durable_name=PROJECTOR.durable,
            filter_subject=subjects.JOBS,
            ack_policy=AckPolicy.EXPLICIT,
        ),
    )
    await js.publish(
        subjects.job_event(JobKind.TRANSCODE, JobStateEvent.COMPLETED), b"{}", stream=JOBS.name
    )

    await _migrate(old_server.url)

    info = await js.consumer_info(JOBS.name, PROJECTOR.durable)
    assert info.config.filter_subjects == list(PROJECTOR.filter_subjects)
    assert info.num_pending == 1
