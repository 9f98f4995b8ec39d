"""Reading, listing, editing, deleting videos and downloading their outputs."""

import uuid
from pathlib import Path
from typing import Any

import psycopg
from nats.js import JetStreamContext

from tests.support.bus import eventually
from tests.support.gateway import (
    POSTER_BYTES,
    RENDITION_BYTES,
    SKIPPED,
    Gateway,
    metadata_completed,
    publish_job_event,
    transcode_completed,
)


async def _processed(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> dict[str, Any]:
    """An upload both of whose jobs completed (events through the real projector)."""
    upload = await gateway.upload_ok(token, b"source bytes", filename="walk.mp4")
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))
    await publish_job_event(jetstream, metadata_completed(upload, blob_root))
    path = f"/api/videos/{upload['video']['id']}"

    async def completed() -> dict[str, Any] | None:
        body: dict[str, Any] = (await gateway.client.get(path, headers=gateway.auth(token))).json()
        return body if body["status"] == "completed" else None

    return await eventually(completed, what="video completed")


async def test_video_detail_has_jobs_metadata_and_renditions(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed(gateway, token, jetstream, blob_root)
    video_id = video["id"]

    assert {job["kind"]: job["status"] for job in video["jobs"]} == {
        "transcode": "completed",
        "metadata": "completed",
    }
    assert all(job["progress"] == 100 for job in video["jobs"])
    metadata = video["metadata"]
    assert metadata["video_codec"] == "h264"
    assert (metadata["width"], metadata["height"]) == (320, 240)  # display size, after rotation
    assert metadata["audio_channels"] == 2
    assert metadata["video"]["rotation"] == 90
    assert metadata["poster_url"] == f"/api/videos/{video_id}/poster"
    [rendition] = video["renditions"]
    assert rendition["name"] == "mp4-240p"
    assert rendition["url"] == f"/api/videos/{video_id}/renditions/mp4-240p"
    assert rendition["rendition"]["video_codec"] == "h264"
    assert metadata["posters"] == [{"width": 320, "height": 240}] * 2
    assert metadata["storyboard"] == {
        "tile_width": 160,
        "tile_height": 120,
        "columns": 2,
        "count": 2,
        "interval_seconds": 1.0,
    }

    listed = (await gateway.client.get("/api/videos", headers=gateway.auth(token))).json()
    [summary] = listed["items"]
    assert summary["duration_seconds"] == 2.0
    assert summary["poster_url"] == f"/api/videos/{video_id}/poster"


async def test_video_detail_lists_every_output_with_its_status_and_signed_url(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed(gateway, token, jetstream, blob_root)
    base = video["playback"]["base_url"]
    assert base.startswith("/media/")
    listed = {
        output["name"]: (output["kind"], output["status"], output["reason"], output["url"])
        for output in video["outputs"]
    }
    skipped = dict.fromkeys(
        ("1080p", "720p", "480p", "360p"), ("hls_video", "skipped", SKIPPED, None)
    )
    assert listed == {
        **skipped,
        "240p": ("hls_video", "ready", None, base + "transcode/hls/240p/index.m3u8"),
        "audio": ("hls_audio", "ready", None, base + "transcode/hls/audio/index.m3u8"),
        "download": ("mp4", "ready", None, base + "transcode/hls/download.mp4"),
    }
    rung = next(output for output in video["outputs"] if output["name"] == "240p")
    assert (rung["output"]["width"], rung["output"]["height"]) == (320, 240)
    assert rung["output"]["segment_count"] == 1
    playback = video["playback"]
    assert playback["hls_url"] == base + "transcode/hls/master.m3u8"
    assert playback["mp4_url"] == base + "transcode/hls/download.mp4"
    assert playback["poster_url"] == base + "metadata/poster.jpg"
    assert playback["poster_small_url"] == base + "metadata/poster-320.jpg"
    assert playback["storyboard_url"] == base + "metadata/storyboard.vtt"
    assert playback["storyboard_sprite_url"] == base + "metadata/storyboard.jpg"


async def test_rendition_and_poster_downloads_support_ranges(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed(gateway, token, jetstream, blob_root)
    url = video["renditions"][0]["url"]
    headers = gateway.auth(token)

    whole = await gateway.client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.content == RENDITION_BYTES
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"

    part = await gateway.client.get(url, headers={**headers, "Range": "bytes=100-299"})
    assert part.status_code == 206
    assert part.content == RENDITION_BYTES[100:300]
    assert part.headers["content-range"] == f"bytes 100-299/{len(RENDITION_BYTES)}"

    poster = await gateway.client.get(video["metadata"]["poster_url"], headers=headers)
    assert poster.status_code == 200
    assert poster.content == POSTER_BYTES
    assert poster.headers["content-type"] == "image/jpeg"

    missing = await gateway.client.get(
        f"/api/videos/{video['id']}/renditions/mp4-4320p", headers=headers
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "rendition_not_found"


async def test_outputs_are_404_until_produced(gateway: Gateway, token: str) -> None:
    upload = await gateway.upload_ok(token)
    video_id = upload["video"]["id"]
    headers = gateway.auth(token)
    poster = await gateway.client.get(f"/api/videos/{video_id}/poster", headers=headers)
    assert (poster.status_code, poster.json()["code"]) == (404, "poster_not_found")
    rendition = await gateway.client.get(
        f"/api/videos/{video_id}/renditions/mp4-240p", headers=headers
    )
    assert (rendition.status_code, rendition.json()["code"]) == (404, "rendition_not_found")
    detail = (await gateway.client.get(f"/api/videos/{video_id}", headers=headers)).json()
    assert detail["metadata"] is None
    assert detail["renditions"] == []


async def test_video_list_pages_newest_first(gateway: Gateway, token: str) -> None:
    uploaded = [(await gateway.upload_ok(token, title=f"video {n}"))["video"] for n in range(5)]
    headers = gateway.auth(token)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await gateway.client.get("/api/videos", headers=headers, params=params)).json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [video["id"] for video in reversed(uploaded)]

    for bad in ({"limit": 0}, {"limit": 101}, {"cursor": "not-a-cursor"}):
        response = await gateway.client.get("/api/videos", headers=headers, params=bad)
        assert response.status_code == 422, bad
        problem = response.json()
        assert problem["code"] == "invalid_request"
        assert problem["errors"][0]["loc"][0] == "query"


async def test_patch_edits_descriptive_fields(gateway: Gateway, token: str) -> None:
    video_id = (await gateway.upload_ok(token))["video"]["id"]
    path = f"/api/videos/{video_id}"
    headers = gateway.auth(token)

    response = await gateway.client.patch(
        path,
        headers=headers,
        json={"title": "Sunset", "description": "At the beach", "tags": ["sea", " sun ", "sea"]},
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert (edited["title"], edited["description"], edited["tags"]) == (
        "Sunset",
        "At the beach",
        ["sea", "sun"],
    )

    # Omitted fields stay; an explicit null description clears it.
    response = await gateway.client.patch(path, headers=headers, json={"description": None})
    assert response.json()["title"] == "Sunset"
    assert response.json()["description"] is None
    detail = (await gateway.client.get(path, headers=headers)).json()
    assert (detail["title"], detail["description"], detail["tags"]) == (
        "Sunset",
        None,
        ["sea", "sun"],
    )


async def test_patch_validation_errors_are_problems(gateway: Gateway, token: str) -> None:
    video_id = (await gateway.upload_ok(token))["video"]["id"]
    path = f"/api/videos/{video_id}"
    headers = gateway.auth(token)
    cases: list[tuple[Any, list[Any]]] = [
        ({"title": ""}, ["body", "title"]),
        ({"title": "   "}, ["body", "title"]),
        ({"title": "x" * 301}, ["body", "title"]),
        ({"tags": ["ok", "t" * 65]}, ["body", "tags", 1]),
        ({"tags": [f"t{n}" for n in range(51)]}, ["body", "tags"]),
        ({"titel": "typo"}, ["body", "titel"]),  # a request's unknown field is a typo
        ("not json", ["body"]),
        (b'{"title": "\xff\xfe"}', ["body"]),  # not UTF-8
    ]
    for body, location in cases:
        if isinstance(body, str | bytes):
            response = await gateway.client.patch(
                path, headers={**headers, "Content-Type": "application/json"}, content=body
            )
        else:
            response = await gateway.client.patch(path, headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "invalid_request"
        assert problem["errors"][0]["loc"][: len(location)] == location, (body, problem)
    unchanged = (await gateway.client.get(path, headers=headers)).json()
    assert unchanged["title"] == "clip.mp4"


async def test_delete_removes_rows_and_files(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    jetstream: JetStreamContext,
    blob_root: Path,
    clean_database: str,
) -> None:
    video = await _processed(gateway, token, jetstream, blob_root)
    kept = await gateway.upload_ok(token)
    headers = gateway.auth(token)
    video_dir = blob_root / "videos" / str(user_id) / video["id"]
    assert video_dir.is_dir()

    response = await gateway.client.delete(f"/api/videos/{video['id']}", headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert not video_dir.exists()
    assert (blob_root / "videos" / str(user_id) / kept["video"]["id"] / "source").is_file()
    with psycopg.connect(clean_database) as conn:
        for table, column in (
            ("videos", "id"),
            ("video_jobs", "video_id"),
            ("video_metadata", "video_id"),
        ):
            row = conn.execute(f"select count(*) from {table} where {column} = %s", (video["id"],))
            assert row.fetchone() == (0,), table

    again = await gateway.client.delete(f"/api/videos/{video['id']}", headers=headers)
    assert (again.status_code, again.json()["code"]) == (404, "video_not_found")
    gone = await gateway.client.get(f"/api/videos/{video['id']}", headers=headers)
    assert gone.status_code == 404


async def test_events_for_a_deleted_video_are_ignored(
    gateway: Gateway, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    upload = await gateway.upload_ok(token)
    headers = gateway.auth(token)
    await gateway.client.delete(f"/api/videos/{upload['video']['id']}", headers=headers)
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))

    async def ignored() -> bool:
        labels = {"event": "job.completed", "outcome": "ignored"}
        return gateway.metric("echo_events_projected_total", **labels) == 1

    await eventually(ignored, what="late event ignored")
    listed = (await gateway.client.get("/api/videos", headers=headers)).json()
    assert listed["items"] == []
