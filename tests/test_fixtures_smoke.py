"""The fixtures start real servers: prove it before anything relies on them."""

from pathlib import Path

import psycopg
import pytest
from nats.js import JetStreamContext

from contracts.streams import ALL_CONSUMERS, ALL_STREAMS, JOBS
from services.devstack.servers import NatsServer
from tests.support.media import decode_fully


async def test_jetstream_streams_and_consumers_are_declared(jetstream: JetStreamContext) -> None:
    names = {info.config.name for info in await jetstream.streams_info()}
    assert {spec.name for spec in ALL_STREAMS} <= names
    info = await jetstream.stream_info(JOBS.name)
    assert info.config.storage == "file"
    assert info.config.duplicate_window == JOBS.duplicate_window_seconds
    for consumer in ALL_CONSUMERS:
        config = (await jetstream.consumer_info(consumer.stream, consumer.durable)).config
        assert set(config.filter_subjects or [config.filter_subject]) == set(
            consumer.filter_subjects
        )


def test_a_test_not_marked_servers_cannot_start_one(tmp_path: Path) -> None:
    """The fast tier (`-m "not servers"`) stays free of servers: a test that starts one
    without a server fixture or the marker is stopped, whichever tier runs it."""
    with pytest.raises(AssertionError, match="marked `servers`"):
        NatsServer(tmp_path / "nats").start()


def test_postgres_has_echo_schema(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        tables = {
            row[0]
            for row in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        }
    assert {"videos", "video_jobs", "video_metadata"} <= tables


def test_synthetic_video_has_its_spec(sample_video: Path) -> None:
    decoded = decode_fully(sample_video)
    assert decoded.video_frames == 50
    assert abs(decoded.duration_seconds - 2.0) < 0.05
    assert decoded.audio_codec == "aac"
