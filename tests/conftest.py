"""Session fixtures: a real nats-server (JetStream), a real Postgres, an S3 API server and
the whole platform, on loopback in temporary directories, stopped by the fixture that
started them.

Test tiers: every test that (transitively) uses a fixture in `SERVER_FIXTURES` is marked
`servers` at collection, so `pytest -m "not servers"` (`./scripts/test.sh --fast`) runs
only tests that start no server. A test that starts a server some other way must use
`@pytest.mark.servers`; an unmarked test that tries is stopped with that advice.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import nats
import psycopg
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from contracts.streams import ALL_STREAMS, DEAD_LETTERS
from services.common.auth import mint_token
from services.devstack.ports import PortPlan
from services.devstack.servers import EmbeddedPostgres, NatsServer
from services.devstack.stack import DevStack
from services.migrate.bus import migrate_bus
from services.migrate.database import apply_migrations
from tests.support.media import MediaSpec, make_media, make_not_media, make_truncated
from tests.support.s3 import S3Server

JWT_SECRET = "test-secret-" + "x" * 32

SERVER_FIXTURES = frozenset({"nats_server", "postgres", "stack"})
"""Fixtures that start a server or service process; a test using one is marked `servers`."""

# Short deadlines so redelivery and reconciliation happen within a test's patience.
STACK_ENV = {
    "ECHO_TRANSCODER_ACK_WAIT_SECONDS": "4",
    "ECHO_METADATA_ACK_WAIT_SECONDS": "4",
    "ECHO_TRANSCODER_RETRY_BASE_DELAY_SECONDS": "0.5",
    "ECHO_METADATA_RETRY_BASE_DELAY_SECONDS": "0.5",
    "ECHO_LOG_LEVEL": "INFO",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.servers)


def _refuse_to_start(*_args: object, **_kwargs: object) -> NoReturn:
    raise AssertionError(
        "this test starts a server without being marked `servers`: use a server fixture "
        f"({', '.join(sorted(SERVER_FIXTURES))}) or @pytest.mark.servers, so that "
        "`./scripts/test.sh --fast` stays free of servers"
    )


@pytest.fixture(autouse=True)
def _servers_only_when_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the fast tier honest in every run: only tests marked `servers` start one."""
    if request.node.get_closest_marker("servers") is None:
        for server in (NatsServer, EmbeddedPostgres, DevStack):
            monkeypatch.setattr(server, "start", _refuse_to_start)


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path_factory.mktemp("nats")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data", delete_on_stop=True).start()
    apply_migrations(server.dsn)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's S3 API (behind a presigned-URL gate); parts down to 256 KiB accepted."""
    server = S3Server(tmp_path_factory.mktemp("s3"), min_part_size=256 * 1024).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(postgres: EmbeddedPostgres) -> str:
    return postgres.dsn


@pytest.fixture
def clean_database(database_url: str) -> str:
    """The database with every Echo table emptied before the test."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "truncate videos, video_jobs, video_metadata, event_outbox, projected_events,"
            " uploads, job_attempts cascade"
        )
    return database_url


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    """The whole platform as separate processes, started as `scripts/dev.sh` starts it
    (servers, `python -m services.migrate`, the four services), on free ports."""
    root = tmp_path_factory.mktemp("stack")
    platform = DevStack(
        root / "data", ports=PortPlan.free(), extra_env=STACK_ENV, log_dir=root / "logs"
    ).start(timeout=90)
    yield platform
    platform.stop()
    for log in sorted((root / "logs").glob("*.log")):
        print(f"----- {log.name} (last lines) -----")
        print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))


@pytest.fixture
def stack_token(stack: DevStack) -> str:
    """An access token the platform accepts, for a new user (so tests do not share rows)."""
    return mint_token(stack.jwt_secret, uuid.uuid4())


@pytest.fixture
async def nats_client(nats_server: NatsServer) -> AsyncIterator[NatsClient]:
    client = await nats.connect(nats_server.url)
    yield client
    await client.drain()


@pytest.fixture
async def jetstream(nats_client: NatsClient) -> JetStreamContext:
    """JetStream with Echo's streams and consumers declared (as `python -m services.migrate`
    does) and emptied, so each test starts clean."""
    js = nats_client.jetstream()
    await migrate_bus(js, replicas=1)
    for stream in ALL_STREAMS:
        if stream is not DEAD_LETTERS:
            await js.purge_stream(stream.name)
    return js


@pytest.fixture
def blob_root(tmp_path: Path) -> Path:
    root = tmp_path / "blobs"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def jwt_secret() -> str:
    return JWT_SECRET


@pytest.fixture
def user_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def other_user_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def token(user_id: uuid.UUID) -> str:
    return mint_token(JWT_SECRET, user_id)


@pytest.fixture
def other_token(other_user_id: uuid.UUID) -> str:
    return mint_token(JWT_SECRET, other_user_id)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def sample_video(media_dir: Path) -> Path:
    """2 s, 320x240, 25 fps H.264 + AAC stereo MP4."""
    return make_media(media_dir / "sample.mp4", MediaSpec(duration_seconds=2.0))


@pytest.fixture(scope="session")
def sample_audio_only(media_dir: Path) -> Path:
    """2 s AAC stereo in an M4A."""
    return make_media(media_dir / "audio.m4a", MediaSpec(video=False))


@pytest.fixture(scope="session")
def sample_silent_video(media_dir: Path) -> Path:
    """2 s H.264 MP4 with no audio track."""
    return make_media(media_dir / "silent.mp4", MediaSpec(audio=False))


@pytest.fixture(scope="session")
def sample_long_video(media_dir: Path) -> Path:
    """A video long enough to interrupt mid-transcode (20 s, 640x360)."""
    return make_media(
        media_dir / "long.mp4", MediaSpec(duration_seconds=20.0, width=640, height=360)
    )


@pytest.fixture(scope="session")
def sample_truncated(media_dir: Path, sample_video: Path) -> Path:
    """The first half of `sample_video`: its header promises frames that are missing."""
    return make_truncated(sample_video, media_dir / "truncated.mp4")


@pytest.fixture(scope="session")
def sample_not_media(media_dir: Path) -> Path:
    return make_not_media(media_dir / "notes.mp4")
