"""`/api/video-processing-jobs`: status filters, pagination and job details."""

from pathlib import Path
from typing import Any

from nats.js import JetStreamContext

from contracts.enums import JobKind
from tests.support.bus import eventually
from tests.support.gateway import (
    Gateway,
    failed,
    job_ids,
    metadata_completed,
    publish_job_event,
    started,
    transcode_completed,
)


async def _jobs(gateway: Gateway, token: str, **params: Any) -> dict[str, Any]:
    response = await gateway.client.get(
        "/api/video-processing-jobs", headers=gateway.auth(token), params=params
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_jobs_filter_by_one_or_several_statuses(
    gateway: Gateway, token: str, jetstream: JetStreamContext
) -> None:
    busy = await gateway.upload_ok(token)
    idle = await gateway.upload_ok(token)
    await publish_job_event(jetstream, started(busy, JobKind.TRANSCODE))
    await publish_job_event(jetstream, failed(busy, JobKind.METADATA))

    async def projected() -> bool:
        return len((await _jobs(gateway, token, status="pending"))["items"]) == 2

    await eventually(projected, what="events projected")
    ids = {kind: str(job_id) for kind, job_id in job_ids(busy).items()}
    idle_ids = {str(job_id) for job_id in job_ids(idle).values()}

    def found(body: dict[str, Any]) -> set[str]:
        return {item["id"] for item in body["items"]}

    assert found(await _jobs(gateway, token, status="pending")) == idle_ids
    assert found(await _jobs(gateway, token, status="processing")) == {ids[JobKind.TRANSCODE]}
    failed_jobs = (await _jobs(gateway, token, status="failed"))["items"]
    assert [(job["id"], job["error_code"], job["retriable"]) for job in failed_jobs] == [
        (ids[JobKind.METADATA], "not_media", False)
    ]
    both = idle_ids | {ids[JobKind.METADATA]}
    assert found(await _jobs(gateway, token, status=["pending", "failed"])) == both
    assert found(await _jobs(gateway, token, status="pending,failed")) == both
    assert found(await _jobs(gateway, token, status=["pending, failed", "pending"])) == both
    assert len((await _jobs(gateway, token))["items"]) == 4

    response = await gateway.client.get(
        "/api/video-processing-jobs",
        headers=gateway.auth(token),
        params={"status": "pending,done"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "status"]


async def test_jobs_page_newest_first(gateway: Gateway, token: str) -> None:
    uploads = [await gateway.upload_ok(token) for _ in range(3)]
    first = await _jobs(gateway, token, limit=4)
    assert len(first["items"]) == 4
    second = await _jobs(gateway, token, limit=4, cursor=first["next_cursor"])
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    listed = [item["id"] for item in first["items"] + second["items"]]
    assert len(set(listed)) == 6
    newest = {str(job_id) for job_id in job_ids(uploads[-1]).values()}
    assert set(listed[:2]) == newest


async def test_job_detail_carries_its_video_and_outputs(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    upload = await gateway.upload_ok(token, title="Trip")
    ids = job_ids(upload)
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))
    await publish_job_event(jetstream, metadata_completed(upload, blob_root))
    headers = gateway.auth(token)

    async def detail(kind: JobKind) -> dict[str, Any] | None:
        path = f"/api/video-processing-jobs/{ids[kind]}"
        body: dict[str, Any] = (await gateway.client.get(path, headers=headers)).json()
        return body if body["status"] == "completed" else None

    transcode = await eventually(lambda: detail(JobKind.TRANSCODE), what="transcode completed")
    assert transcode["video"]["title"] == "Trip"
    assert transcode["video"]["id"] == upload["video"]["id"]
    assert [r["name"] for r in transcode["renditions"]] == ["mp4-240p"]
    outputs = {output["name"]: output for output in transcode["outputs"]}
    assert [name for name, output in outputs.items() if output["status"] == "ready"] == [
        "240p",
        "audio",
        "download",
    ]
    assert outputs["720p"]["url"] is None
    assert outputs["720p"]["reason"] == "The source is 240p; renditions are never upscaled."
    assert outputs["download"]["url"].endswith("/transcode/hls/download.mp4")
    assert outputs["download"]["url"].startswith("/media/")
    assert transcode["metadata"] is None
    assert transcode["progress"] == 100
    assert transcode["attempts"] == 0  # no started event was sent
    assert transcode["completed_at"] is not None

    metadata = await eventually(lambda: detail(JobKind.METADATA), what="metadata completed")
    assert (metadata["renditions"], metadata["outputs"]) == ([], [])
    assert metadata["metadata"]["storyboard"]["count"] == 2
    assert metadata["metadata"]["container_format"] == "mov,mp4,m4a,3gp,3g2,mj2"
    assert metadata["video"]["status"] == "completed"
    assert metadata["video"]["poster_url"] is not None
