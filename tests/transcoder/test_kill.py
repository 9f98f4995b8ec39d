"""A worker process killed mid-transcode: the job is redelivered and finished exactly once."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from contracts.enums import JobKind
from contracts.events import (
    JobCompletedEvent,
    JobFailedEvent,
    JobProgressEvent,
    JobStartedEvent,
    TranscodeResult,
)
from services.common.blobs import LocalBlobStore
from services.devstack.servers import NatsServer
from tests.support.bus import eventually, publish_upload, stored_job_events
from tests.support.media import decode_fully
from tests.transcoder.support import (
    partial_files,
    upload,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def worker_process(
    env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m services.transcoder`, stopped (SIGTERM, then SIGKILL) when the block ends."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.transcoder",
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
async def test_interrupted_job_completes_once_on_the_next_worker(
    clean_bus: JetStreamContext,
    nats_server: NatsServer,
    blob_root: Path,
    sample_long_video: Path,
    tmp_path: Path,
    stop: signal.Signals,
) -> None:
    """SIGKILL: the staged file stays behind until the next attempt removes it. SIGTERM: the
    job outlasts the grace period, is cancelled and handed back without an ack, and its
    staged file is removed on the way out."""
    store = LocalBlobStore(blob_root)
    event = upload(store, sample_long_video)
    job = event.job_of_kind(JobKind.TRANSCODE)
    assert job is not None
    env = {
        **os.environ,
        "ECHO_NATS_URL": nats_server.url,
        "ECHO_BLOB_ROOT": str(blob_root),
        "ECHO_TRANSCODER_PORT": "0",
        "ECHO_TRANSCODER_ACK_WAIT_SECONDS": "3",
        "ECHO_TRANSCODER_PROGRESS_INTERVAL_SECONDS": "0.2",
    }
    # The first worker is made slow so it is surely still encoding when it dies.
    slow = env | {
        "ECHO_TRANSCODER_PRESET": "veryslow",
        "ECHO_TRANSCODER_ENCODER_THREADS": "1",
        "ECHO_TRANSCODER_GRACEFUL_TIMEOUT_SECONDS": "0.5",
    }
    fast = env | {"ECHO_TRANSCODER_PRESET": "ultrafast"}
    log = tmp_path / "workers.log"

    async with worker_process(slow, log) as first:
        await publish_upload(clean_bus, event)
        await eventually(lambda: _encoding_underway(clean_bus), within=60)
        first.send_signal(stop)
        await asyncio.wait_for(first.wait(), timeout=15)
    if stop is signal.SIGKILL:
        assert partial_files(blob_root), "the killed worker should have left its staged file"
    else:
        assert partial_files(blob_root) == []

    async with worker_process(fast, log):
        await eventually(lambda: _completed(clean_bus), within=60)
        await eventually(lambda: _acked(clean_bus), within=30)

    events = [e for e in await stored_job_events(clean_bus) if e.job_id == job.job_id]
    completed = [e for e in events if isinstance(e, JobCompletedEvent)]
    assert len(completed) == 1
    assert not any(isinstance(e, JobFailedEvent) for e in events)
    assert sorted({e.attempt for e in events if isinstance(e, JobStartedEvent)}) == [1, 2]
    result = completed[0].result
    assert isinstance(result, TranscodeResult)
    decoded = decode_fully(store.path(result.renditions[0].file.key))
    assert abs(decoded.duration_seconds - 20.0) < 0.1
    assert decoded.video_frames == 500
    assert partial_files(blob_root) == []


async def _encoding_underway(js: JetStreamContext) -> bool:
    events = await stored_job_events(js)
    return any(isinstance(e, JobProgressEvent) and e.percent > 0 for e in events)


async def _completed(js: JetStreamContext) -> bool:
    return any(isinstance(e, JobCompletedEvent) for e in await stored_job_events(js))


async def _acked(js: JetStreamContext) -> bool:
    info = await js.consumer_info("ECHO_VIDEOS", "transcoder")
    return bool(info.num_ack_pending == 0 and info.num_pending == 0)
