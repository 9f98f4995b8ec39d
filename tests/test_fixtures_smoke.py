"""The fixtures start real servers: prove it before anything relies on them."""

from pathlib import Path

import psycopg
from nats.js import JetStreamContext

from tests.support.media import decode_fully


async def test_jetstream_streams_are_declared(jetstream: JetStreamContext) -> None:
    names = {info.config.name for info in await jetstream.streams_info()}
    assert {"ECHO_VIDEOS", "ECHO_JOBS", "ECHO_STATUS"} <= names
    info = await jetstream.stream_info("ECHO_VIDEOS")
    assert info.config.storage == "file"
    assert info.config.duplicate_window == 600


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
