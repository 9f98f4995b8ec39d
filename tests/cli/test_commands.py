"""`echoctl` as a separate process against the real platform (`stack`: gateway, workers
and notifier as `scripts/dev.sh` runs them): uploads end completed or explain their
failure, listings read the gateway, and refusals print the problem and what to do."""

import hashlib
from pathlib import Path
from uuid import uuid4

import httpx

from contracts import ProblemCode, ProcessingStatus
from services.common.auth import mint_token
from services.devstack.stack import DevStack
from tests.cli.runner import Cli, Result, video_id_of
from tests.support.e2e import get_video


async def test_upload_resumable_follows_the_jobs_and_prints_a_playable_url(
    cli: Cli, stack: DevStack, stack_token: str, sample_video: Path
) -> None:
    result = await cli("upload", str(sample_video), "--title", "My clip", "--chunk-size", "32768")
    assert result.code == 0, result.stderr
    video_id = video_id_of(result)
    assert f"Video {video_id} is completed" in result.flat_stdout
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        video = await get_video(api, video_id, stack_token)
    assert video.status == ProcessingStatus.COMPLETED
    assert (video.title, video.original_filename) == ("My clip", sample_video.name)
    assert video.size_bytes == sample_video.stat().st_size
    assert video.checksum_sha256 == hashlib.sha256(sample_video.read_bytes()).hexdigest()

    mp4_url = _printed_url(result, "MP4")
    async with httpx.AsyncClient(timeout=30) as browser:  # no headers, as <video> fetches
        played = await browser.get(mp4_url)
    assert played.status_code == 200, played.text
    assert played.headers["content-type"] == "video/mp4"
    assert played.content[4:8] == b"ftyp"


async def test_upload_multipart_streams_the_file_then_follows_it(
    cli: Cli, stack: DevStack, stack_token: str, sample_video: Path
) -> None:
    result = await cli("upload", "--multipart", str(sample_video))
    assert result.code == 0, result.stderr
    video_id = video_id_of(result)
    assert f"Video {video_id} is completed" in result.flat_stdout
    assert _printed_url(result, "MP4").startswith(stack.gateway_url)


async def test_upload_exits_non_zero_and_explains_a_failed_job(
    cli: Cli, sample_not_media: Path
) -> None:
    result = await cli("upload", "--multipart", str(sample_not_media))
    assert result.code == 1
    assert "failed" in result.flat_stderr
    assert "not a video" in result.flat_stderr


async def test_a_resumable_upload_of_a_non_video_is_refused_with_its_code(
    cli: Cli, sample_not_media: Path
) -> None:
    result = await cli("upload", str(sample_not_media))
    assert result.code == 1
    assert f"code: {ProblemCode.NOT_MEDIA}" in result.flat_stderr
    assert "audio and video files only" in result.flat_stderr


async def test_listings_show_what_the_gateway_holds(cli: Cli, sample_not_media: Path) -> None:
    uploaded = await cli(
        "upload", "--multipart", str(sample_not_media), "--title", "Listed", "--no-wait"
    )
    assert uploaded.code == 0, uploaded.stderr
    video_id = video_id_of(uploaded)

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


def _printed_url(result: Result, name: str) -> str:
    """The URL on the line "<name>: <url>"."""
    for line in result.stdout.splitlines():
        if line.startswith(f"{name}: "):
            return line.removeprefix(f"{name}: ").strip()
    raise AssertionError(f"no {name} URL in: {result.stdout}")
