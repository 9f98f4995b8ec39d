"""A worker process stopped mid-transcode: the job is redelivered and finished exactly once.

SIGKILL: nothing is handed back; JetStream redelivers after the ack wait, and the
next attempt removes the staging folder the dead one left. SIGTERM: the job outlasts
the drain grace, is stopped, cleans up, and is handed back with a NAK, so the next
worker takes it at once; the stop itself is clean (no traceback).
"""

import asyncio
import os
import signal
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from contracts.enums import JobKind
from contracts.events import JobCompletedEvent, JobFailedEvent, TranscodeResult
from services.common.blobs import LocalBlobStore
from services.common.bus import ConsumerTuning
from services.devstack.servers import NatsServer
from tests.support.bus import eventually
from tests.support.ladder import check_stored_ladder
from tests.support.media import decode_fully
from tests.support.workers import (
    fresh_consumer,
    publish_command,
    recorded_progress,
    settled,
    state_events,
    worker_process,
)
from tests.transcoder.support import partial_files, upload

KIND = JobKind.TRANSCODE
HANDBACK_SECONDS = 30.0
"""A handed-back job restarts well within this; far below the stopped case's ack wait."""


@pytest.mark.parametrize(
    ("stop", "ack_wait"),
    [(signal.SIGKILL, 3.0), (signal.SIGTERM, 120.0)],
    ids=["killed", "stopped"],
)
async def test_interrupted_job_completes_once_on_the_next_worker(
    jetstream: JetStreamContext,
    nats_client: NatsClient,
    nats_server: NatsServer,
    blob_root: Path,
    sample_long_video: Path,
    tmp_path: Path,
    stop: signal.Signals,
    ack_wait: float,
) -> None:
    await fresh_consumer(jetstream, KIND, ConsumerTuning(ack_wait_seconds=ack_wait))
    store = LocalBlobStore(blob_root)
    command = upload(store, sample_long_video)
    env = {
        **os.environ,
        "ECHO_NATS_URL": nats_server.url,
        "ECHO_BLOB_ROOT": str(blob_root),
        "ECHO_TRANSCODER_PORT": "0",
        "ECHO_TRANSCODER_ACK_WAIT_SECONDS": str(ack_wait),
        "ECHO_TRANSCODER_PROGRESS_INTERVAL_SECONDS": "0.2",
    }
    # The first worker is made slow so it is surely still encoding when it stops.
    slow = env | {
        "ECHO_TRANSCODER_PRESET": "veryslow",
        "ECHO_TRANSCODER_ENCODER_THREADS": "1",
        "ECHO_TRANSCODER_DRAIN_GRACE_SECONDS": "0.5",
    }
    fast = env | {"ECHO_TRANSCODER_PRESET": "ultrafast"}
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    async with recorded_progress(nats_client) as progress:
        async with worker_process("services.transcoder", slow, first_log) as first:
            sequence = await publish_command(jetstream, command)

            async def encoding() -> bool:
                return any(p.progress > 0 for p in progress if p.job_id == command.job_id)

            await eventually(encoding, within=60, what="the first worker to be encoding")
            first.send_signal(stop)
            await asyncio.wait_for(first.wait(), timeout=20)
        if stop is signal.SIGKILL:
            assert partial_files(blob_root), "the killed worker should have left its staging"
        else:
            log = first_log.read_text()
            assert "Application shutdown complete" in log
            assert "Traceback" not in log
            assert partial_files(blob_root) == []

        async with worker_process("services.transcoder", fast, second_log):
            # Within the ack wait of the stopped case: only a NAK can bring the job back.
            await asyncio.wait_for(settled(jetstream, KIND, sequence), HANDBACK_SECONDS)

    events = await state_events(jetstream, command.job_id)
    assert not any(isinstance(e, JobFailedEvent) for e in events)
    completed = [e for e in events if isinstance(e, JobCompletedEvent)]
    assert len(completed) == 1
    assert completed[0].delivery == 2
    assert completed[0].attempt == 1
    result = completed[0].result
    assert isinstance(result, TranscodeResult)
    decoded = decode_fully(store.path(result.renditions[0].file.key))
    assert abs(decoded.duration_seconds - 20.0) < 0.1
    assert decoded.video_frames == 500
    assert result.master_playlist is not None
    check_stored_ladder(store.path(result.master_playlist.key).parent)
    assert partial_files(blob_root) == []
