"""End to end: four service processes, real NATS and Postgres, real media.

Upload through the REST API, watch live status over the notifier's WebSocket,
then check the outputs by decoding them: the MP4 download, and the HLS ladder's
master and media playlists (read from blob storage until the gateway serves them).
"""

import asyncio
from fractions import Fraction
from pathlib import Path

import av
import httpx
import pytest

from contracts import (
    JobErrorCode,
    JobKind,
    ProcessingStatus,
    VideoJobResponseSchema,
    VideoUploadResponseSchema,
)
from services.devstack.stack import DevStack
from tests.support.e2e import (
    get_video,
    open_watcher,
    process,
    staged_leftovers,
    stored_ladder,
    upload,
)
from tests.support.ladder import check_stored_ladder, join_rendition
from tests.support.media import decode_fully

pytestmark = pytest.mark.e2e


def _job(uploaded: VideoUploadResponseSchema, kind: JobKind) -> VideoJobResponseSchema:
    return next(job for job in uploaded.jobs if job.kind == kind)


async def _download(api: httpx.AsyncClient, url: str, token: str, target: Path) -> Path:
    async with api.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status_code == 200
        with target.open("wb") as file:
            async for chunk in response.aiter_bytes():
                file.write(chunk)
    return target


async def test_upload_goes_live_to_completed_with_correct_outputs(
    stack: DevStack, stack_token: str, sample_video: Path, tmp_path: Path
) -> None:
    watcher = await open_watcher(stack.notifier_url, stack_token)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        uploaded = await upload(api, sample_video, stack_token, title="Sample")
        assert uploaded.video.status == ProcessingStatus.PENDING
        assert {job.status for job in uploaded.jobs} == {ProcessingStatus.PENDING}
        job_ids = [job.id for job in uploaded.jobs]

        await watcher.until_terminal(job_ids, within=120)
        await watcher.connection.close()
        transcode = _job(uploaded, JobKind.TRANSCODE).id
        assert watcher.statuses(transcode)[-2:] == [
            ProcessingStatus.PROCESSING,
            ProcessingStatus.COMPLETED,
        ]
        assert ProcessingStatus.PENDING in watcher.statuses(transcode)
        recorded = [u.progress for u in watcher.updates if u.job_id == transcode]
        assert recorded == sorted(recorded), "recorded progress never goes backwards"
        reported = [u.progress for u in watcher.progress if u.job_id == transcode]
        assert reported == sorted(reported), "reported progress never goes backwards"

        video = await get_video(api, uploaded.video.id, stack_token)
        assert video.status == ProcessingStatus.COMPLETED
        assert all(job.status == ProcessingStatus.COMPLETED for job in video.jobs)

        # The MP4 decodes fully, with the source's duration.
        assert len(video.renditions) == 1
        mp4 = await _download(api, video.renditions[0].url, stack_token, tmp_path / "out.mp4")
        source = decode_fully(sample_video)
        output = decode_fully(mp4)
        assert output.video_codec == "h264"
        assert output.audio_codec == "aac"
        assert abs(output.duration_seconds - source.duration_seconds) <= 0.1
        assert output.video_frames == source.video_frames

        # The master playlist exists and parses; its one rung decodes to the same frames.
        master = check_stored_ladder(stored_ladder(stack.blob_root, uploaded.video.id))
        (variant,) = master.playlists
        assert variant.stream_info.resolution == (source.width, source.height)
        rung = join_rendition(
            stored_ladder(stack.blob_root, uploaded.video.id), variant.uri, tmp_path / "rung.mp4"
        )
        assert decode_fully(rung.path).video_frames == source.video_frames

        # The stored metadata matches an independent PyAV probe of the source.
        metadata = video.metadata
        assert metadata is not None
        with av.open(str(sample_video)) as container:
            stream = container.streams.video[0]
            audio = container.streams.audio[0]
            assert container.duration is not None
            assert metadata.duration_seconds == pytest.approx(container.duration / 1e6, abs=0.01)
            assert metadata.width == stream.codec_context.width
            assert metadata.height == stream.codec_context.height
            assert metadata.video_codec == stream.codec_context.name
            assert stream.average_rate is not None
            assert metadata.frame_rate == pytest.approx(float(Fraction(stream.average_rate)))
            assert metadata.audio_codec == audio.codec_context.name
            assert metadata.audio_channels == audio.codec_context.channels
            assert metadata.audio_sample_rate == audio.codec_context.sample_rate
            assert metadata.size_bytes == sample_video.stat().st_size
        assert metadata.poster_url is not None
        poster = await _download(api, metadata.poster_url, stack_token, tmp_path / "poster.jpg")
        with av.open(str(poster)) as image:
            assert image.streams.video[0].codec_context.name == "mjpeg"


async def test_a_file_that_is_not_a_video_fails_with_a_reason_after_one_attempt(
    stack: DevStack, stack_token: str, sample_not_media: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        _, video, watcher = await process(
            api, stack.notifier_url, sample_not_media, stack_token, within=60
        )
    assert video.status == ProcessingStatus.FAILED
    for job in video.jobs:
        assert job.status == ProcessingStatus.FAILED
        assert job.attempts == 1
        assert job.retriable is False
        assert job.error_message
        assert "not a video" in job.error_message
    failed = [u for u in watcher.updates if u.status == ProcessingStatus.FAILED]
    assert {u.error_message for u in failed} == {video.jobs[0].error_message}


async def test_a_truncated_video_fails_as_damaged(
    stack: DevStack, stack_token: str, sample_truncated: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        _, video, _ = await process(
            api, stack.notifier_url, sample_truncated, stack_token, within=60
        )
    transcode = next(job for job in video.jobs if job.kind == JobKind.TRANSCODE)
    assert transcode.status == ProcessingStatus.FAILED
    assert transcode.attempts == 1
    assert transcode.error_code == JobErrorCode.DAMAGED_MEDIA
    assert transcode.error_message
    assert "incomplete or damaged" in transcode.error_message
    assert video.renditions == []


async def test_a_worker_killed_mid_job_is_redelivered_and_completes_once(
    stack: DevStack, stack_token: str, sample_long_video: Path, tmp_path: Path
) -> None:
    watcher = await open_watcher(stack.notifier_url, stack_token)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        uploaded = await upload(api, sample_long_video, stack_token)
        transcode = _job(uploaded, JobKind.TRANSCODE).id
        await watcher.until_progress(transcode, within=60)

        stack.kill_service("transcoder")
        output_dir = stack.blob_root / "videos"
        stack.start_service("transcoder")
        await asyncio.to_thread(stack.wait_ready, 60, ("transcoder",))

        await watcher.until_terminal([job.id for job in uploaded.jobs], within=180)
        await watcher.connection.close()
        video = await get_video(api, uploaded.video.id, stack_token)
        job = next(j for j in video.jobs if j.id == transcode)
        assert job.status == ProcessingStatus.COMPLETED
        assert job.attempts == 2
        completions = [
            u
            for u in watcher.updates
            if u.job_id == transcode and u.status == ProcessingStatus.COMPLETED
        ]
        assert len({u.version for u in completions}) == 1, "completed exactly once"
        mp4 = await _download(api, video.renditions[0].url, stack_token, tmp_path / "long.mp4")
    assert abs(decode_fully(mp4).duration_seconds - 20.0) <= 0.1
    check_stored_ladder(stored_ladder(stack.blob_root, uploaded.video.id))
    assert not staged_leftovers(output_dir), "no half-written output left behind"
