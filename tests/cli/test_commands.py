"""`echoctl` as a separate process against the real platform (`stack`: gateway, workers
and notifier as `scripts/dev.sh` runs them): uploads end completed or explain their
failure, listings read the gateway, and refusals print the problem and what to do."""

import asyncio
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest

from contracts import ProblemCode, ProcessingStatus
from services.common.auth import mint_token
from services.devstack.stack import DevStack
from tests.support.e2e import get_video

REPO = Path(__file__).resolve().parents[2]
RUN_SECONDS = 180.0


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def flat_stdout(self) -> str:
        """Stdout with rich's line wrapping undone."""
        return " ".join(self.stdout.split())

    @property
    def flat_stderr(self) -> str:
        return " ".join(self.stderr.split())


@dataclass(frozen=True)
class Cli:
    """Runs `python -m services.cli` with the platform's URLs and a token in its env."""

    env: dict[str, str]

    async def __call__(self, *args: str) -> Result:
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
        return Result(process.returncode, stdout.decode(), stderr.decode())

    def with_token(self, token: str) -> "Cli":
        return Cli({**self.env, "ECHO_TOKEN": token})


@pytest.fixture
def cli(stack: DevStack, stack_token: str) -> Cli:
    return Cli(
        {
            **os.environ,
            "ECHO_API_URL": stack.gateway_url,
            "ECHO_NOTIFIER_URL": stack.notifier_url,
            "ECHO_TOKEN": stack_token,
            "COLUMNS": "160",
        }
    )


def _video_id(result: Result) -> UUID:
    marker = "as video "
    start = result.flat_stdout.index(marker) + len(marker)
    return UUID(result.flat_stdout[start : start + 36])


async def test_upload_streams_the_file_then_follows_it_to_completed(
    cli: Cli, stack: DevStack, stack_token: str, sample_video: Path
) -> None:
    result = await cli("upload", str(sample_video), "--title", "My clip")
    assert result.code == 0, result.stderr
    video_id = _video_id(result)
    assert f"Video {video_id} is completed" in result.flat_stdout
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        video = await get_video(api, video_id, stack_token)
    assert video.status == ProcessingStatus.COMPLETED
    assert (video.title, video.original_filename) == ("My clip", sample_video.name)
    assert video.size_bytes == sample_video.stat().st_size
    assert video.checksum_sha256 == hashlib.sha256(sample_video.read_bytes()).hexdigest()


async def test_upload_exits_non_zero_and_explains_a_failed_job(
    cli: Cli, sample_not_media: Path
) -> None:
    result = await cli("upload", str(sample_not_media))
    assert result.code == 1
    assert "failed" in result.flat_stderr
    assert "not a video" in result.flat_stderr


async def test_listings_show_what_the_gateway_holds(cli: Cli, sample_not_media: Path) -> None:
    uploaded = await cli("upload", str(sample_not_media), "--title", "Listed", "--no-wait")
    assert uploaded.code == 0, uploaded.stderr
    video_id = _video_id(uploaded)

    videos = await cli("videos")
    assert videos.code == 0, videos.stderr
    assert str(video_id) in videos.stdout
    assert "Listed" in videos.stdout

    shown = await cli("video", str(video_id))
    assert shown.code == 0, shown.stderr
    assert "Listed" in shown.stdout
    assert {"transcode", "metadata"} <= set(shown.stdout.split())

    jobs = await cli("jobs", "--status", "pending", "--status", "processing", "--status", "failed")
    assert jobs.code == 0, jobs.stderr
    assert "transcode" in jobs.stdout


async def test_a_missing_video_is_a_problem_with_its_code(cli: Cli) -> None:
    result = await cli("video", str(uuid4()))
    assert result.code == 1
    assert "(404)" in result.flat_stderr
    assert f"code: {ProblemCode.VIDEO_NOT_FOUND}" in result.flat_stderr


async def test_an_expired_token_is_refused_with_advice(cli: Cli, stack: DevStack) -> None:
    expired = mint_token(stack.jwt_secret, uuid4(), ttl_seconds=-3600)
    result = await cli.with_token(expired)("videos")
    assert result.code == 1
    assert f"code: {ProblemCode.TOKEN_EXPIRED}" in result.flat_stderr
    assert "get a new one" in result.flat_stderr
