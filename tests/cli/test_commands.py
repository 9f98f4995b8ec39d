"""`echoctl` as a separate process against a stand-in gateway and a real notifier.

The stand-in gateway records what the upload put on the wire and publishes the
jobs' status changes to real NATS, as the real gateway's projector would; the
real gateway is exercised by the end-to-end suite.
"""

import asyncio
import hashlib
import os
import random
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
import uvicorn
from nats.js import JetStreamContext
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts.enums import JobKind, ProcessingStatus
from contracts.rest import (
    VideoJobListResponseSchema,
    VideoJobResponseSchema,
    VideoListResponseSchema,
    VideoResponseSchema,
    VideoSummarySchema,
    VideoUploadResponseSchema,
)
from services.common.auth import TokenVerifier, bearer_token
from services.common.settings import AuthSettings
from tests.cli.test_watch import until_watching
from tests.notifier.harness import RunningNotifier, publish_status, serve, status_event

REPO = Path(__file__).resolve().parents[2]
RUN_SECONDS = 30.0


@dataclass
class Received:
    """What one upload request carried."""

    content_length: int | None
    transfer_encoding: str | None
    body_size: int
    sha256: str
    filename: str | None
    title: str | None


@dataclass
class StubGateway:
    """Answers the CLI's REST calls; on upload, drives the jobs through the notifier."""

    js: JetStreamContext
    verifier: TokenVerifier
    fail_metadata: bool = False
    uploads: list[Received] = field(default_factory=list)
    job_queries: list[list[str]] = field(default_factory=list)
    videos: list[VideoResponseSchema] = field(default_factory=list)
    progress_tasks: list[asyncio.Task[None]] = field(default_factory=list)
    url: str = ""

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/videos", self.upload, methods=["POST"]),
                Route("/api/videos", self.list_videos, methods=["GET"]),
                Route("/api/videos/{video_id}", self.get_video, methods=["GET"]),
                Route("/api/video-processing-jobs", self.list_jobs, methods=["GET"]),
            ]
        )

    def _user(self, request: Request) -> UUID:
        token = bearer_token(request.headers.get("authorization"))
        assert token is not None
        return self.verifier.verify(token).user_id

    async def upload(self, request: Request) -> Response:
        owner = self._user(request)
        body = await request.body()
        async with request.form() as form:
            upload = form["file"]
            assert isinstance(upload, UploadFile)
            data = await upload.read()
            filename = upload.filename or "video"
            title = form.get("title")
        length = request.headers.get("content-length")
        self.uploads.append(
            Received(
                content_length=int(length) if length is not None else None,
                transfer_encoding=request.headers.get("transfer-encoding"),
                body_size=len(body),
                sha256=hashlib.sha256(data).hexdigest(),
                filename=filename,
                title=title if isinstance(title, str) else None,
            )
        )
        now = datetime.now(UTC)
        video = VideoResponseSchema(
            id=uuid4(),
            owner_id=owner,
            title=title if isinstance(title, str) else filename,
            original_filename=filename,
            size_bytes=len(data),
            checksum_sha256=hashlib.sha256(data).hexdigest(),
            status=ProcessingStatus.PENDING,
            created_at=now,
            updated_at=now,
        )
        self.videos.append(video)
        jobs = [_job(video.id, kind, now) for kind in (JobKind.TRANSCODE, JobKind.METADATA)]
        self.progress_tasks.append(asyncio.create_task(self._run_jobs(owner, video.id, jobs)))
        answer = VideoUploadResponseSchema(video=video, jobs=jobs)
        return JSONResponse(answer.model_dump(mode="json"), status_code=201)

    async def _run_jobs(
        self, owner: UUID, video_id: UUID, jobs: list[VideoJobResponseSchema]
    ) -> None:
        transcode, metadata = (job.id for job in jobs)
        await publish_status(self.js, status_event(owner, video_id, transcode, 1, progress=0))
        await until_watching(self.js, owner)
        await publish_status(self.js, status_event(owner, video_id, transcode, 2, progress=60))
        await publish_status(
            self.js,
            status_event(
                owner,
                video_id,
                metadata,
                1,
                ProcessingStatus.FAILED if self.fail_metadata else ProcessingStatus.COMPLETED,
                kind=JobKind.METADATA,
                error_message="The file is not a video Echo can read.",
            ),
        )
        await publish_status(
            self.js,
            status_event(owner, video_id, transcode, 3, ProcessingStatus.COMPLETED, progress=100),
        )

    async def list_videos(self, request: Request) -> Response:
        self._user(request)
        page = VideoListResponseSchema(
            items=[
                VideoSummarySchema(id=v.id, title=v.title, status=v.status, created_at=v.created_at)
                for v in self.videos
            ],
            next_cursor="page-2",
        )
        return JSONResponse(page.model_dump(mode="json"))

    async def get_video(self, request: Request) -> Response:
        self._user(request)
        problem = {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "code": "video_not_found",
            "detail": "No video with that id is yours.",
        }
        return JSONResponse(problem, status_code=404, media_type="application/problem+json")

    async def list_jobs(self, request: Request) -> Response:
        self._user(request)
        self.job_queries.append(request.query_params.getlist("status"))
        now = datetime.now(UTC)
        page = VideoJobListResponseSchema(items=[_job(uuid4(), JobKind.TRANSCODE, now)])
        return JSONResponse(page.model_dump(mode="json"))


def _job(video_id: UUID, kind: JobKind, now: datetime) -> VideoJobResponseSchema:
    return VideoJobResponseSchema(
        id=uuid4(),
        video_id=video_id,
        kind=kind,
        status=ProcessingStatus.PENDING,
        progress=0,
        attempts=0,
        created_at=now,
        updated_at=now,
    )


@dataclass
class Cli:
    """Runs `python -m services.cli` with the platform's URLs and a token in its env."""

    env: dict[str, str]

    async def __call__(self, *args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.cli",
            *args,
            env=self.env,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), RUN_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        assert process.returncode is not None
        return process.returncode, stdout.decode(), stderr.decode()


@pytest.fixture
async def gateway(jetstream: JetStreamContext, jwt_secret: str) -> AsyncIterator[StubGateway]:
    stub = StubGateway(jetstream, TokenVerifier(AuthSettings(jwt_secret=SecretStr(jwt_secret))))
    config = uvicorn.Config(stub.app(), log_config=None, access_log=False, lifespan="off")
    async with serve(config) as port:
        stub.url = f"http://127.0.0.1:{port}"
        yield stub
    for task in stub.progress_tasks:
        task.cancel()
    await asyncio.gather(*stub.progress_tasks, return_exceptions=True)


@pytest.fixture
def cli(gateway: StubGateway, notifier: RunningNotifier, token: str) -> Cli:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "ECHO_API_URL": gateway.url,
        "ECHO_NOTIFIER_URL": notifier.url,
        "ECHO_TOKEN": token,
        "COLUMNS": "160",
    }
    return Cli(env)


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(random.Random(7).randbytes(3 * 1024 * 1024 + 17))
    return path


async def test_upload_streams_then_watches_until_completed(
    cli: Cli, gateway: StubGateway, video_file: Path
) -> None:
    code, stdout, stderr = await cli("upload", str(video_file), "--title", "My clip")
    assert code == 0, stderr
    (received,) = gateway.uploads
    assert received.transfer_encoding is None
    assert received.content_length == received.body_size
    assert received.sha256 == hashlib.sha256(video_file.read_bytes()).hexdigest()
    assert (received.filename, received.title) == ("clip.mp4", "My clip")
    assert f"Video {gateway.videos[0].id} is completed" in " ".join(stdout.split())


async def test_upload_exits_non_zero_and_explains_a_failed_job(
    cli: Cli, gateway: StubGateway, video_file: Path
) -> None:
    gateway.fail_metadata = True
    code, _, stderr = await cli("upload", str(video_file))
    assert code == 1
    assert "metadata failed" in stderr
    assert "The file is not a video Echo can read." in " ".join(stderr.split())


async def test_upload_no_wait(cli: Cli, gateway: StubGateway, video_file: Path) -> None:
    code, stdout, stderr = await cli("upload", str(video_file), "--no-wait")
    assert code == 0, stderr
    assert str(gateway.videos[0].id) in stdout


async def test_listings_and_problem_responses(cli: Cli, gateway: StubGateway) -> None:
    code, stdout, stderr = await cli("videos")
    assert code == 0, stderr
    assert "echoctl videos --cursor page-2" in stdout

    code, stdout, stderr = await cli("jobs", "--status", "failed", "--status", "pending")
    assert code == 0, stderr
    assert gateway.job_queries == [["failed", "pending"]]
    assert "transcode" in stdout

    code, stdout, stderr = await cli("video", str(uuid4()))
    assert code == 1
    flat = " ".join(stderr.split())
    assert "Not Found (404)" in flat
    assert "No video with that id is yours." in flat
    assert "code: video_not_found" in flat
