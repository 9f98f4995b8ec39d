"""`echoctl me`, `delete`, `cancel` and `retry` against the real platform: each does what
it says, refusals print the problem's code and advice and exit non-zero, and another
user's ids are not found."""

from pathlib import Path
from uuid import uuid4

import httpx

from contracts import JobErrorCode, JobKind, ProblemCode
from services.common.auth import mint_token
from services.devstack.stack import DevStack
from tests.cli.runner import Cli, Result, video_id_of
from tests.support.e2e import get_video


def _refused(result: Result, status: int, code: ProblemCode) -> None:
    assert result.code == 1, result.stdout
    assert f"({status})" in result.flat_stderr
    assert f"code: {code}" in result.flat_stderr


async def test_me_shows_the_user_and_their_usage(
    cli: Cli, stack: DevStack, sample_video: Path
) -> None:
    user = uuid4()
    as_user = cli.with_token(mint_token(stack.jwt_secret, user, email="me@echo.test"))
    empty = await as_user("me")
    assert empty.code == 0, empty.stderr
    assert str(user) in empty.stdout
    assert "me@echo.test" in empty.stdout
    assert "0 bytes of" in empty.flat_stdout

    uploaded = await as_user("upload", str(sample_video), "--no-wait")
    assert uploaded.code == 0, uploaded.stderr
    after = await as_user("me")
    assert after.code == 0, after.stderr
    assert "0 bytes of" not in after.flat_stdout
    assert "videos 1" in after.flat_stdout


async def test_cancel_retry_and_delete_a_video_and_its_jobs(
    cli: Cli, stack: DevStack, stack_token: str, sample_long_video: Path
) -> None:
    uploaded = await cli("upload", str(sample_long_video), "--no-wait")
    assert uploaded.code == 0, uploaded.stderr
    video_id = video_id_of(uploaded)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        video = await get_video(api, video_id, stack_token)
    transcode = next(job.id for job in video.jobs if job.kind is JobKind.TRANSCODE)

    cancelled = await cli("cancel", str(transcode))
    assert cancelled.code == 0, cancelled.stderr
    assert f"Cancelled transcode job {transcode}: now failed" in cancelled.flat_stdout
    again = await cli("cancel", str(transcode))
    _refused(again, 409, ProblemCode.JOB_NOT_CANCELLABLE)
    assert "Only a pending or processing job can be cancelled." in again.flat_stderr

    retried = await cli("retry", str(transcode))
    assert retried.code == 0, retried.stderr
    assert f"Retrying transcode job {transcode}: now pending" in retried.flat_stdout
    _refused(await cli("retry", str(transcode)), 409, ProblemCode.JOB_NOT_RETRIABLE)

    deleted = await cli("delete", str(video_id))
    assert deleted.code == 0, deleted.stderr
    assert f"Deleted video {video_id}." in deleted.stdout
    _refused(await cli("video", str(video_id)), 404, ProblemCode.VIDEO_NOT_FOUND)
    _refused(await cli("delete", str(video_id)), 404, ProblemCode.VIDEO_NOT_FOUND)
    _refused(await cli("cancel", str(transcode)), 404, ProblemCode.JOB_NOT_FOUND)


async def test_another_users_ids_are_not_found(
    cli: Cli, stack: DevStack, stack_token: str, sample_video: Path
) -> None:
    uploaded = await cli("upload", str(sample_video), "--no-wait")
    assert uploaded.code == 0, uploaded.stderr
    video_id = video_id_of(uploaded)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        video = await get_video(api, video_id, stack_token)
    job_id = video.jobs[0].id
    other = cli.with_token(mint_token(stack.jwt_secret, uuid4()))

    for args in (("delete", video_id), ("cancel", job_id), ("retry", job_id)):
        code = ProblemCode.VIDEO_NOT_FOUND if args[0] == "delete" else ProblemCode.JOB_NOT_FOUND
        result = await other(args[0], str(args[1]))
        _refused(result, 404, code)
        assert "lists them" in result.flat_stderr

    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        still = await get_video(api, video_id, stack_token)
    assert all(job.error_code is not JobErrorCode.CANCELLED for job in still.jobs)
