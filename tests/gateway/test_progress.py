"""Progress is not state: ticks reach Postgres only through the sampler's periodic flush,
as one statement, with no version bump and no outbox row."""

import uuid
from typing import Any

from nats.js import JetStreamContext

from contracts.enums import JobKind
from contracts.streams import PROGRESS
from tests.support.bus import eventually
from tests.support.gateway import (
    Gateway,
    StartGateway,
    job_ids,
    job_row,
    outbox_ids,
    progress,
    publish_job_event,
    publish_progress,
    started,
)

HOLD = {"progress_flush_interval_seconds": 3600.0}  # flushed only when the test says so


async def test_a_tick_is_written_only_by_the_flush_without_a_version_or_outbox_row(
    start_gateway: StartGateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    async with start_gateway(**HOLD) as gateway:
        upload = await gateway.upload_ok(token)
        ids = job_ids(upload)
        transcode = ids[JobKind.TRANSCODE]
        await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))

        async def processing() -> dict[str, Any] | None:
            row = job_row(clean_database, transcode)
            return row if row["status"] == "processing" else None

        before = await eventually(processing, what="the job started")
        outbox_before = outbox_ids(clean_database)

        await publish_progress(jetstream, progress(upload, JobKind.TRANSCODE, 10.0, eta=9.0))
        await publish_progress(jetstream, progress(upload, JobKind.TRANSCODE, 42.5, eta=3.0))
        # The metadata job never started: its tick is held, but not written.
        await publish_progress(jetstream, progress(upload, JobKind.METADATA, 50.0))

        async def held() -> bool:
            return gateway.parts.sampler.held == len(ids)

        await eventually(held, what="the latest tick of each job held in memory")
        assert job_row(clean_database, transcode) == before

        assert await gateway.parts.sampler.flush() == 1  # one row, in one statement
        after = job_row(clean_database, transcode)
        assert (after["progress"], after["eta_seconds"]) == (42.5, 3.0)
        assert (after["status"], after["version"]) == ("processing", before["version"])
        assert after["last_event_at"] > before["last_event_at"]
        assert outbox_ids(clean_database) == outbox_before
        assert job_row(clean_database, ids[JobKind.METADATA])["progress"] == 0
        assert gateway.parts.sampler.held == 0
        assert gateway.metric("echo_progress_flushed_total") == 1

        detail = await gateway.client.get(
            f"/api/video-processing-jobs/{transcode}", headers=gateway.auth(token)
        )
        assert (detail.json()["progress"], detail.json()["eta_seconds"]) == (42.5, 3.0)


async def test_ticks_are_flushed_periodically(
    start_gateway: StartGateway, token: str, jetstream: JetStreamContext, clean_database: str
) -> None:
    async with start_gateway(progress_flush_interval_seconds=0.2) as gateway:
        upload = await gateway.upload_ok(token)
        transcode = job_ids(upload)[JobKind.TRANSCODE]
        await publish_job_event(jetstream, started(upload, JobKind.TRANSCODE))

        async def processing() -> bool:
            return bool(job_row(clean_database, transcode)["status"] == "processing")

        await eventually(processing, what="the job started")
        await publish_progress(jetstream, progress(upload, JobKind.TRANSCODE, 64.0))

        async def flushed() -> bool:
            return bool(job_row(clean_database, transcode)["progress"] == 64.0)

        await eventually(flushed, what="the tick flushed")


async def test_a_tick_for_an_unknown_job_changes_nothing(
    start_gateway: StartGateway, token: str, clean_database: str, jetstream: JetStreamContext
) -> None:
    async with start_gateway(**HOLD) as gateway:
        upload = await gateway.upload_ok(token)
        stray = progress(upload, JobKind.TRANSCODE, 5.0).model_copy(update={"job_id": uuid.uuid4()})
        await publish_progress(jetstream, stray)

        async def held() -> bool:
            return gateway.parts.sampler.held == 1

        await eventually(held, what="the tick held")
        assert await gateway.parts.sampler.flush() == 0


async def test_workers_progress_publishes_are_acknowledged_by_jetstream_only(
    gateway: Gateway, token: str, jetstream: JetStreamContext
) -> None:
    """The sampler listens on the subject JetStream stores; it must never answer a tick,
    or its empty reply could reach the worker in place of the stream's PubAck."""
    upload = await gateway.upload_ok(token)
    for percent in range(100):
        tick = progress(upload, JobKind.TRANSCODE, float(percent))
        await publish_progress(jetstream, tick)  # raises on any reply but a PubAck
    stored = await jetstream.stream_info(PROGRESS.name)
    assert stored.state.messages == 1  # the last tick of the job, as the stream keeps
