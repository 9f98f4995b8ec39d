"""The outbox relay publishes rows a crash left behind, exactly as they were written."""

import uuid

import psycopg
from nats.js import JetStreamContext
from psycopg.types.json import Jsonb

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobRef, VideoUploadedEvent
from contracts.media import BlobRef
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.gateway import StartGateway


def _orphan_row(dsn: str) -> tuple[str, VideoUploadedEvent]:
    """A committed but never published row, as after a crash between commit and publish."""
    video_id, owner_id = uuid.uuid4(), uuid.uuid4()
    event = VideoUploadedEvent(
        video_id=video_id,
        owner_id=owner_id,
        source=BlobRef(key=f"videos/{owner_id}/{video_id}/source", size_bytes=3),
        original_filename="a.mp4",
        jobs=[JobRef(job_id=uuid.uuid4(), kind=JobKind.TRANSCODE)],
    )
    outbox_id = f"uploaded:{video_id}"
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "insert into event_outbox (id, subject, payload) values (%s, %s, %s)",
            (outbox_id, subjects.VIDEO_UPLOADED, Jsonb(event.model_dump(mode="json"))),
        )
    return outbox_id, event


async def test_rows_left_unpublished_are_published(
    start_gateway: StartGateway, clean_database: str, jetstream: JetStreamContext
) -> None:
    before_start = _orphan_row(clean_database)
    async with start_gateway(outbox_poll_interval_seconds=0.2) as gateway:
        # Written while running but nobody woke the relay: only its polling finds it.
        while_running = _orphan_row(clean_database)

        async def published() -> list[str] | None:
            ids = [msg_id(m) or "" for m in await stream_messages(jetstream, "ECHO_VIDEOS")]
            return ids if len(ids) == 2 else None

        ids = await eventually(published, what="both rows in ECHO_VIDEOS")
        assert sorted(ids) == sorted([before_start[0], while_running[0]])

        messages = await stream_messages(jetstream, "ECHO_VIDEOS")
        by_id = {msg_id(m): VideoUploadedEvent.model_validate_json(m.data or b"") for m in messages}
        assert by_id[before_start[0]] == before_start[1]
        assert by_id[while_running[0]] == while_running[1]

        async def marked() -> bool:
            with psycopg.connect(clean_database) as conn:
                row = conn.execute(
                    "select count(*) from event_outbox where published_at is null"
                ).fetchone()
            return row == (0,)

        await eventually(marked, what="rows marked published")
        assert gateway.metric("echo_outbox_published_total") == 2

        async def lag_measured() -> bool:
            return gateway.metric("echo_outbox_pending") == 0

        await eventually(lag_measured, what="outbox gauge updated")


async def test_republishing_the_same_row_is_deduplicated(
    start_gateway: StartGateway, clean_database: str, jetstream: JetStreamContext
) -> None:
    outbox_id, _ = _orphan_row(clean_database)
    async with start_gateway() as gateway:

        async def published() -> bool:
            return gateway.metric("echo_outbox_published_total") == 1

        await eventually(published, what="row published")
        # As if the relay died after publishing but before marking the row.
        with psycopg.connect(clean_database) as conn:
            conn.execute("update event_outbox set published_at = null where id = %s", (outbox_id,))
        gateway.parts.relay.wake()

        async def republished() -> bool:
            return gateway.metric("echo_outbox_published_total") == 2

        await eventually(republished, what="row published again")
    messages = await stream_messages(jetstream, "ECHO_VIDEOS")
    assert [msg_id(m) for m in messages] == [outbox_id]
