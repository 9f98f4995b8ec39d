"""A database of the previous release migrates and loses nothing: the probe stays (stored
once), and unpublished dispatches become commands."""

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb

from contracts.enums import JobKind
from contracts.events import JobRef, JobRequestedCommand, VideoUploadedEvent
from contracts.media import BlobRef
from contracts.rest import VideoMetadataResponseSchema
from services.common.bus import command_msg_id
from services.gateway.api.views import Links, metadata
from services.gateway.db.records import MetadataRecord
from services.migrate.database import DEFAULT_MIGRATIONS_DIR, apply_migrations

PREVIOUS_RELEASE = ("20261121000000_initial_schema.sql", "20261121020000_dispatch_sequence.sql")
FLAT_PROBE_COLUMNS = {
    "container_format",
    "duration_seconds",
    "size_bytes",
    "bit_rate",
    "video_codec",
    "width",
    "height",
    "frame_rate",
    "audio_codec",
    "audio_channels",
    "audio_sample_rate",
}


@pytest.fixture
def previous_release_db(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database with only the previous release's migrations applied."""
    name = f"echo_previous_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    dsn = make_conninfo(database_url, dbname=name)
    old = tmp_path / "migrations"
    old.mkdir()
    for file in PREVIOUS_RELEASE:
        shutil.copy(DEFAULT_MIGRATIONS_DIR / file, old / file)
    apply_migrations(dsn, old)
    yield dsn
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"drop database {name} with (force)")


def _columns(conn: psycopg.Connection, table: str) -> set[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns where table_name = %s", (table,)
    ).fetchall()
    return {row[0] for row in rows}


def test_previous_release_data_survives_the_migration(previous_release_db: str) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    transcode, probe_job = uuid.uuid4(), uuid.uuid4()
    source = BlobRef(key=f"videos/{owner}/{video}/source", size_bytes=3, sha256="ab" * 32)
    uploaded = VideoUploadedEvent(
        video_id=video,
        owner_id=owner,
        source=source,
        original_filename="old.mp4",
        jobs=[
            JobRef(job_id=transcode, kind=JobKind.TRANSCODE),
            JobRef(job_id=probe_job, kind=JobKind.METADATA),
        ],
    )
    legacy_upload = {**uploaded.model_dump(mode="json"), "dispatch_attempt": 1}
    redispatch = {
        **uploaded.model_dump(mode="json"),
        "jobs": [{"job_id": str(transcode), "kind": "transcode"}],
        "dispatch_attempt": 2,
    }
    probe = {
        "container_format": "mov,mp4,m4a,3gp,3g2,mj2",
        "duration_seconds": 2.0,
        "size_bytes": 3,
        "bit_rate": 12,
        "video": None,
        "audio": None,
        "stream_count": 0,
    }
    with psycopg.connect(previous_release_db) as conn:
        conn.execute(
            "insert into videos (id, owner_id, title, original_filename, size_bytes,"
            " checksum_sha256, source_key) values (%s, %s, 'old', 'old.mp4', 3, %s, %s)",
            (video, owner, source.sha256, source.key),
        )
        conn.execute(
            "insert into video_jobs (id, video_id, owner_id, kind, dispatch_seq)"
            " values (%s, %s, %s, 'transcode', 7), (%s, %s, %s, 'metadata', 7)",
            (transcode, video, owner, probe_job, video, owner),
        )
        conn.execute(
            "insert into video_metadata (video_id, owner_id, container_format, size_bytes,"
            " duration_seconds, probe, poster_key) values (%s, %s, %s, 3, 2.0, %s, %s)",
            (video, owner, probe["container_format"], Jsonb(probe), f"{source.key}.jpg"),
        )
        conn.execute(
            "insert into event_outbox (id, subject, payload) values"
            " (%s, 'echo.videos.uploaded', %s), (%s, 'echo.videos.uploaded', %s)",
            (
                f"uploaded:{video}",
                Jsonb(legacy_upload),
                f"dispatch:{transcode}:2",
                Jsonb(redispatch),
            ),
        )

    applied = apply_migrations(previous_release_db)

    assert applied[0] == "20261202000000_messages_by_purpose.sql"
    with psycopg.connect(previous_release_db) as conn:
        assert "dispatch_seq" not in _columns(conn, "video_jobs")
        assert not FLAT_PROBE_COLUMNS & _columns(conn, "video_metadata")
        row = conn.execute(
            "select video_id, owner_id, probe, poster_key, created_at, updated_at"
            " from video_metadata"
        ).fetchone()
        outbox: dict[str, Any] = dict(
            conn.execute("select id, payload from event_outbox").fetchall()
        )
    assert row is not None
    record = MetadataRecord(
        video_id=row[0],
        owner_id=row[1],
        probe=row[2],
        poster_key=row[3],
        created_at=row[4],
        updated_at=row[5],
    )
    shown = metadata(record, None, Links(None))  # a result from before posters and storyboard
    assert isinstance(shown, VideoMetadataResponseSchema)
    assert (shown.posters, shown.storyboard) == ([], None)
    assert (shown.duration_seconds, shown.bit_rate, shown.width) == (2.0, 12, None)
    assert shown.poster_url == f"/api/videos/{video}/poster"

    assert VideoUploadedEvent.model_validate(outbox.pop(f"uploaded:{video}")) == uploaded
    commands = {key: JobRequestedCommand.model_validate(value) for key, value in outbox.items()}
    assert set(commands) == {
        command_msg_id(transcode, 1),
        command_msg_id(probe_job, 1),
        command_msg_id(transcode, 2),
    }
    again = commands[command_msg_id(transcode, 2)]
    assert (again.job_id, again.kind, again.attempt, again.source) == (
        transcode,
        JobKind.TRANSCODE,
        2,
        source,
    )
    assert commands[command_msg_id(probe_job, 1)].kind is JobKind.METADATA
