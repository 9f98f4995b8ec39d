"""One user never sees another's videos or jobs: 404 through the API, nothing through RLS."""

import json
import uuid
from pathlib import Path
from typing import LiteralString

import psycopg
import pytest
from nats.js import JetStreamContext

from contracts.enums import JobKind
from tests.support.bus import eventually
from tests.support.gateway import (
    Gateway,
    job_ids,
    metadata_completed,
    publish_job_event,
    transcode_completed,
)


async def test_another_users_video_and_jobs_are_not_found(
    gateway: Gateway,
    token: str,
    other_token: str,
    jetstream: JetStreamContext,
    blob_root: Path,
) -> None:
    upload = await gateway.upload_ok(token)
    await publish_job_event(jetstream, transcode_completed(upload, blob_root))
    await publish_job_event(jetstream, metadata_completed(upload, blob_root))
    video_id = upload["video"]["id"]
    owner = gateway.auth(token)

    async def processed() -> bool:
        body = (await gateway.client.get(f"/api/videos/{video_id}", headers=owner)).json()
        return bool(body["status"] == "completed")

    await eventually(processed, what="video completed")

    other = gateway.auth(other_token)
    video_paths = [
        ("GET", f"/api/videos/{video_id}"),
        ("PATCH", f"/api/videos/{video_id}"),
        ("DELETE", f"/api/videos/{video_id}"),
        ("GET", f"/api/videos/{video_id}/renditions/mp4-240p"),
        ("GET", f"/api/videos/{video_id}/poster"),
    ]
    for method, path in video_paths:
        body = {"title": "mine now"} if method == "PATCH" else None
        response = await gateway.client.request(method, path, headers=other, json=body)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "video_not_found"
    for job_id in job_ids(upload).values():
        response = await gateway.client.get(f"/api/video-processing-jobs/{job_id}", headers=other)
        assert (response.status_code, response.json()["code"]) == (404, "job_not_found")

    for path in ("/api/videos", "/api/video-processing-jobs"):
        listed = (await gateway.client.get(path, headers=other)).json()
        assert listed == {"items": [], "next_cursor": None}

    # The owner's video is untouched by all of that.
    mine = (await gateway.client.get(f"/api/videos/{video_id}", headers=owner)).json()
    assert mine["title"] == "clip.mp4"
    assert len(mine["renditions"]) == 1
    assert [output["status"] for output in mine["outputs"]].count("ready") == 3


async def test_a_video_that_does_not_exist_gets_the_same_404(gateway: Gateway, token: str) -> None:
    response = await gateway.client.get(f"/api/videos/{uuid.uuid4()}", headers=gateway.auth(token))
    assert (response.status_code, response.json()["code"]) == (404, "video_not_found")
    malformed = await gateway.client.get("/api/videos/not-a-uuid", headers=gateway.auth(token))
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["loc"] == ["path", "video_id"]


def _as_user(conn: psycopg.Connection[tuple[object, ...]], user_id: uuid.UUID) -> None:
    conn.execute("set local role authenticated")
    claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
    conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))


def _run_as(
    conn: psycopg.Connection[tuple[object, ...]],
    user_id: uuid.UUID,
    query: LiteralString,
    params: tuple[object, ...] = (),
) -> None:
    with conn.transaction():
        _as_user(conn, user_id)
        conn.execute(query, params)


async def test_row_level_security_is_enforced_by_postgres(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    other_user_id: uuid.UUID,
    clean_database: str,
) -> None:
    upload = await gateway.upload_ok(token)
    video_id = uuid.UUID(upload["video"]["id"])
    job_id = job_ids(upload)[JobKind.TRANSCODE]

    with psycopg.connect(clean_database) as conn:
        # No owner filter in these queries: only the policies stand between the users.
        with conn.transaction():
            _as_user(conn, other_user_id)
            assert conn.execute("select count(*) from videos").fetchone() == (0,)
            assert conn.execute("select count(*) from video_jobs").fetchone() == (0,)
            updated = conn.execute("update videos set title = 'stolen' where id = %s", (video_id,))
            assert updated.rowcount == 0
            deleted = conn.execute("delete from videos where id = %s", (video_id,))
            assert deleted.rowcount == 0
        with conn.transaction():
            _as_user(conn, user_id)
            assert conn.execute("select id from videos").fetchall() == [(video_id,)]
            assert (job_id,) in conn.execute("select id from video_jobs").fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _run_as(conn, user_id, "select count(*) from event_outbox")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _run_as(
                conn, user_id, "update video_jobs set status = 'completed' where id = %s", (job_id,)
            )
        title = conn.execute("select title from videos where id = %s", (video_id,)).fetchone()
    assert title == ("clip.mp4",)
