"""The REST surface as a browser app meets it: CORS, tokens, text input, isolation, OpenAPI."""

import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from nats.js import JetStreamContext

from contracts.enums import JobKind
from tests.support.bus import eventually
from tests.support.gateway import (
    Gateway,
    StartGateway,
    job_ids,
    metadata_completed,
    publish_job_event,
    transcode_completed,
)

FRONTEND = "http://localhost:5173"


async def test_cors_preflight_and_exposed_headers(start_gateway: StartGateway, token: str) -> None:
    async with start_gateway(cors_origins=[FRONTEND]) as gateway:
        preflight = await gateway.client.options(
            "/api/uploads",
            headers={
                "Origin": FRONTEND,
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization, tus-resumable, upload-offset",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == FRONTEND
        assert "PATCH" in preflight.headers["access-control-allow-methods"]
        listed = await gateway.client.get(
            "/api/videos", headers={"Origin": FRONTEND, **gateway.auth(token)}
        )
        assert listed.headers["access-control-allow-origin"] == FRONTEND
        exposed = listed.headers["access-control-expose-headers"].lower()
        for header in ("location", "upload-offset", "tus-resumable", "content-range"):
            assert header in exposed
        stranger = await gateway.client.options(
            "/api/videos",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in stranger.headers


async def test_a_token_that_is_not_a_signed_in_users_is_refused(
    gateway: Gateway, jwt_secret: str
) -> None:
    now = int(time.time())
    anon = jwt.encode(
        {"sub": str(uuid.uuid4()), "aud": "authenticated", "role": "anon", "exp": now + 60},
        jwt_secret,
        algorithm="HS256",
    )
    response = await gateway.client.get("/api/me", headers=gateway.auth(anon))
    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


async def test_me_reports_the_user_and_usage(
    gateway: Gateway, token: str, user_id: uuid.UUID
) -> None:
    await gateway.upload_ok(token, b"12345")
    me = (await gateway.client.get("/api/me", headers=gateway.auth(token))).json()
    assert me["user_id"] == str(user_id)
    assert me["usage"]["used_bytes"] == 5
    assert me["usage"]["videos"] == 1


async def test_text_postgres_cannot_store_is_a_422(gateway: Gateway, token: str) -> None:
    video = (await gateway.upload_ok(token))["video"]
    auth = gateway.auth(token)
    path = f"/api/videos/{video['id']}"
    for body in (
        {"title": "nul\x00title"},
        {"title": "   "},
        {"description": "a\x00b"},
        {"tags": ["ok", "bad\x00tag"]},
        {"tags": [" "]},
    ):
        response = await gateway.client.patch(path, headers=auth, json=body)
        assert (response.status_code, response.json()["code"]) == (422, "invalid_request"), body
    surrogate = await gateway.client.patch(
        path,
        headers={**auth, "Content-Type": "application/json"},
        content=b'{"title": "\\ud800"}',
    )
    assert surrogate.status_code == 422
    stripped = await gateway.client.patch(
        path, headers=auth, json={"title": "  Trip  ", "tags": [" a ", "a", "b "]}
    )
    assert (stripped.json()["title"], stripped.json()["tags"]) == ("Trip", ["a", "b"])
    unchanged = await gateway.client.patch(path, headers=auth, json={"title": None})
    assert unchanged.json()["title"] == "Trip"
    multipart = await gateway.upload(token, title="a\x00b")
    assert (multipart.status_code, multipart.json()["code"]) == (422, "invalid_request")
    named = await gateway.upload(token, filename="we\x00ird.mp4")
    assert named.status_code == 201
    assert "\x00" not in named.json()["video"]["original_filename"]
    broken_json = await gateway.client.patch(
        path, headers={**auth, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert (broken_json.status_code, broken_json.json()["code"]) == (422, "invalid_request")


async def _routes(gateway: Gateway) -> set[tuple[str, str]]:
    """Every (method, path) the API documents."""
    schema = (await gateway.client.get("/openapi.json")).json()
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item}


async def test_every_route_hides_another_users_resources(
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
    job_id = job_ids(upload)[JobKind.TRANSCODE]
    owner = gateway.auth(token)

    async def completed() -> bool:
        body = (await gateway.client.get(f"/api/videos/{video_id}", headers=owner)).json()
        return bool(body["status"] == "completed")

    await eventually(completed, what="video completed")
    pending = await gateway.client.post(
        "/api/uploads",
        headers={**owner, "Tus-Resumable": "1.0.0", "Upload-Length": "100"},
    )
    upload_id = pending.headers["Location"].rsplit("/", 1)[-1]
    tus = {"Tus-Resumable": "1.0.0"}
    chunk = {**tus, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}
    # (method, route, concrete path, extra headers, body, expected code)
    table: list[tuple[str, str, str, dict[str, str], Any, str]] = [
        ("GET", "/api/videos/{video_id}", f"/api/videos/{video_id}", {}, None, "video_not_found"),
        (
            "PATCH",
            "/api/videos/{video_id}",
            f"/api/videos/{video_id}",
            {},
            {"title": "x"},
            "video_not_found",
        ),
        (
            "DELETE",
            "/api/videos/{video_id}",
            f"/api/videos/{video_id}",
            {},
            None,
            "video_not_found",
        ),
        (
            "GET",
            "/api/videos/{video_id}/renditions/{name}",
            f"/api/videos/{video_id}/renditions/mp4-240p",
            {},
            None,
            "video_not_found",
        ),
        (
            "GET",
            "/api/videos/{video_id}/poster",
            f"/api/videos/{video_id}/poster",
            {},
            None,
            "video_not_found",
        ),
        (
            "GET",
            "/api/video-processing-jobs/{job_id}",
            f"/api/video-processing-jobs/{job_id}",
            {},
            None,
            "job_not_found",
        ),
        (
            "POST",
            "/api/video-processing-jobs/{job_id}/cancel",
            f"/api/video-processing-jobs/{job_id}/cancel",
            {},
            None,
            "job_not_found",
        ),
        (
            "POST",
            "/api/video-processing-jobs/{job_id}/retry",
            f"/api/video-processing-jobs/{job_id}/retry",
            {},
            None,
            "job_not_found",
        ),
        ("HEAD", "/api/uploads/{upload_id}", f"/api/uploads/{upload_id}", tus, None, ""),
        (
            "PATCH",
            "/api/uploads/{upload_id}",
            f"/api/uploads/{upload_id}",
            chunk,
            b"x",
            "upload_not_found",
        ),
        (
            "DELETE",
            "/api/uploads/{upload_id}",
            f"/api/uploads/{upload_id}",
            tus,
            None,
            "upload_not_found",
        ),
    ]
    with_ids = {
        (method, path)
        for method, path in await _routes(gateway)
        if "{" in path and not path.startswith("/media")
    }
    assert with_ids == {(method, route) for method, route, *_ in table}
    other = gateway.auth(other_token)
    for method, _, path, headers, body, code in table:
        content = body if isinstance(body, bytes) else None
        json_body = body if isinstance(body, dict) else None
        response = await gateway.client.request(
            method, path, headers={**other, **headers}, content=content, json=json_body
        )
        assert response.status_code == 404, (method, path, response.text)
        if code:
            assert response.json()["code"] == code, (method, path)
    # Lists show the other user nothing of it, whatever the filter.
    for path in (
        "/api/videos",
        "/api/videos?status=completed",
        "/api/video-processing-jobs",
        f"/api/video-processing-jobs?video_id={video_id}",
    ):
        assert (await gateway.client.get(path, headers=other)).json()["items"] == [], path
    # And the owner's things are untouched.
    assert (await gateway.client.get(f"/api/videos/{video_id}", headers=owner)).status_code == 200
    head = await gateway.client.head(f"/api/uploads/{upload_id}", headers={**owner, **tus})
    assert head.headers["Upload-Offset"] == "0"


async def test_lists_filter_by_status_and_video(gateway: Gateway, token: str) -> None:
    first = await gateway.upload_ok(token)
    await gateway.upload_ok(token)
    auth = gateway.auth(token)
    jobs = (
        await gateway.client.get(
            f"/api/video-processing-jobs?video_id={first['video']['id']}&status=pending",
            headers=auth,
        )
    ).json()
    assert {job["video_id"] for job in jobs["items"]} == {first["video"]["id"]}
    assert len(jobs["items"]) == 2
    assert (await gateway.client.get("/api/videos?status=failed", headers=auth)).json()[
        "items"
    ] == []
    pending = (await gateway.client.get("/api/videos?status=pending", headers=auth)).json()
    assert len(pending["items"]) == 2


async def test_openapi_has_clean_operation_ids_and_real_media_types(gateway: Gateway) -> None:
    schema = (await gateway.client.get("/openapi.json")).json()
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    for expected in (
        "videos_list",
        "videos_get",
        "videos_update",
        "videos_delete",
        "jobs_list",
        "jobs_get",
        "jobs_cancel",
        "jobs_retry",
        "uploads_create",
        "uploads_append",
        "me_get",
        "media_get",
    ):
        assert expected in operations
    media = schema["paths"]["/media/{token}/{path}"]["get"]["responses"]
    for media_type in ("video/mp4", "application/vnd.apple.mpegurl", "image/jpeg", "text/vtt"):
        assert media_type in media["200"]["content"]
    assert "416" in media
    not_found = await gateway.client.get("/nowhere")
    assert (not_found.status_code, not_found.json()["code"]) == (404, "not_found")
    wrong = await gateway.client.put("/api/videos")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")


async def test_multipart_uploads_count_against_the_quota(
    start_gateway: StartGateway, token: str, blob_root: Path
) -> None:
    async with start_gateway(user_quota_bytes=10) as gateway:
        assert (await gateway.upload(token, b"123456")).status_code == 201
        refused = await gateway.upload(token, b"1234567")
        assert (refused.status_code, refused.json()["code"]) == (413, "quota_exceeded")
        stored = [path for path in blob_root.rglob("*") if path.is_file()]
        assert len(stored) == 1
