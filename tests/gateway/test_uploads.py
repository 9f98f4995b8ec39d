"""`POST /api/videos`: streamed to blob storage, recorded in one transaction, dispatched."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
from nats.js import JetStreamContext

from contracts.enums import JobKind
from contracts.events import JobRequestedCommand, JobStatusChangedEvent, VideoUploadedEvent
from contracts.streams import JOBS, STATUS, VIDEOS
from contracts.subjects import job_requested, job_status
from services.common.blobs import source_key
from services.common.bus import command_msg_id
from tests.support.bus import eventually, msg_id, stream_messages
from tests.support.gateway import Gateway, StartGateway


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def test_upload_records_the_fact_and_one_command_per_job(
    gateway: Gateway,
    token: str,
    user_id: uuid.UUID,
    blob_root: Path,
    clean_database: str,
    jetstream: JetStreamContext,
) -> None:
    content = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 100
    response = await gateway.upload(token, content, filename="holiday.mp4")

    assert response.status_code == 201, response.text
    body = response.json()
    video = body["video"]
    video_id = uuid.UUID(video["id"])
    assert response.headers["location"] == f"/api/videos/{video_id}"
    assert video["title"] == "holiday.mp4"
    assert video["original_filename"] == "holiday.mp4"
    assert video["owner_id"] == str(user_id)
    assert video["size_bytes"] == len(content)
    assert video["checksum_sha256"] == hashlib.sha256(content).hexdigest()
    assert video["status"] == "pending"
    assert sorted(job["kind"] for job in body["jobs"]) == ["metadata", "transcode"]
    assert all(job["status"] == "pending" for job in body["jobs"])

    key = source_key(user_id, video_id)
    assert (blob_root / key).read_bytes() == content
    assert _files_under(blob_root) == [blob_root / key]  # no staged leftovers

    with psycopg.connect(clean_database) as conn:
        statuses = conn.execute(
            "select v.status, j.status, j.dispatch_count from videos v"
            " join video_jobs j on j.video_id = v.id where v.id = %s",
            (video_id,),
        ).fetchall()
    assert statuses == [("pending", "pending", 1), ("pending", "pending", 1)]

    async def uploaded() -> list[VideoUploadedEvent]:
        return [
            VideoUploadedEvent.model_validate_json(message.data or b"")
            for message in await stream_messages(jetstream, VIDEOS.name)
            if msg_id(message) == f"uploaded:{video_id}"
        ]

    [fact] = await eventually(uploaded, what="VideoUploadedEvent in ECHO_VIDEOS")
    assert (fact.video_id, fact.owner_id, fact.original_filename) == (
        video_id,
        user_id,
        "holiday.mp4",
    )
    source = (fact.source.key, fact.source.size_bytes, fact.source.sha256)
    assert source == (key, len(content), hashlib.sha256(content).hexdigest())
    recorded = {(uuid.UUID(job["id"]), JobKind(job["kind"])) for job in body["jobs"]}
    assert {(job.job_id, job.kind) for job in fact.jobs} == recorded

    # One command per job, on its kind's subject, attempt 1: what the workers act on.
    async def commands() -> dict[str, JobRequestedCommand] | None:
        found = {
            msg_id(message) or "": JobRequestedCommand.model_validate_json(message.data or b"")
            for message in await stream_messages(jetstream, JOBS.name)
        }
        return found if len(found) == len(recorded) else None

    by_id = await eventually(commands, what="one command per job in ECHO_JOBS")
    for job_id, kind in recorded:
        command = by_id[command_msg_id(job_id, 1)]
        assert (command.job_id, command.kind, command.attempt) == (job_id, kind, 1)
        assert (command.video_id, command.owner_id) == (video_id, user_id)
        assert command.source == fact.source
        assert command.original_filename == "holiday.mp4"
    subjects_seen = {m.subject for m in await stream_messages(jetstream, JOBS.name)}
    assert subjects_seen == {job_requested(kind) for kind in JobKind}

    async def all_published() -> bool:
        with psycopg.connect(clean_database) as conn:
            row = conn.execute(
                "select count(*) from event_outbox where published_at is null"
            ).fetchone()
        return row is not None and row[0] == 0

    await eventually(all_published, what="outbox rows marked published")

    # Each job's recorded state is announced too, so live views start from `pending`.
    for job in body["jobs"]:
        message = await jetstream.get_last_msg(
            STATUS.name, job_status(user_id, uuid.UUID(job["id"]))
        )
        status = JobStatusChangedEvent.model_validate_json(message.data or b"")
        assert (status.status.value, status.version) == ("pending", 1)
        assert msg_id(message) == f"status:{job['id']}:v1"


async def test_title_field_and_empty_or_non_video_files_are_accepted(
    gateway: Gateway, token: str
) -> None:
    empty = await gateway.upload_ok(token, b"", filename="empty.mp4", title="  My empty  ")
    assert empty["video"]["size_bytes"] == 0
    assert empty["video"]["title"] == "My empty"
    assert empty["video"]["checksum_sha256"] == hashlib.sha256(b"").hexdigest()

    text = await gateway.upload_ok(
        token, b"just some notes", filename="C:\\Users\\me\\notes.txt", content_type="text/plain"
    )
    assert text["video"]["original_filename"] == "notes.txt"
    assert text["video"]["content_type"] == "text/plain"


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    boundary = b"--echo-test-boundary"
    yield boundary + (
        b'\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n"
    )
    sent = 0
    while sent < total:
        chunk = b"\xab" * min(size, total - sent)
        sent += len(chunk)
        yield chunk
    yield b"\r\n" + boundary + b"--\r\n"


async def test_streamed_upload_over_the_limit_is_refused_and_leaves_nothing(
    start_gateway: StartGateway, token: str, blob_root: Path, clean_database: str
) -> None:
    limit = 256 * 1024
    async with start_gateway(max_upload_bytes=limit) as gateway:
        response = await gateway.client.post(
            "/api/videos",
            headers={
                **gateway.auth(token),
                "Content-Type": "multipart/form-data; boundary=echo-test-boundary",
            },
            content=_chunks(4 * limit),  # chunked: no Content-Length to refuse early on
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "upload_too_large"
        assert problem["status"] == 413
        assert problem["instance"] == "/api/videos"

        # Just under the limit passes through the same path.
        ok = await gateway.client.post(
            "/api/videos",
            headers={
                **gateway.auth(token),
                "Content-Type": "multipart/form-data; boundary=echo-test-boundary",
            },
            content=_chunks(limit),
        )
        assert ok.status_code == 201, ok.text
        assert ok.json()["video"]["size_bytes"] == limit
        metrics = (await gateway.client.get("/metrics")).text
        assert 'echo_uploads_total{outcome="too_large"} 1.0' in metrics

    assert len(_files_under(blob_root)) == 1
    with psycopg.connect(clean_database) as conn:
        row = conn.execute("select count(*) from videos").fetchone()
    assert row == (1,)


async def test_declared_length_over_the_limit_is_refused_before_reading(
    start_gateway: StartGateway, token: str, blob_root: Path
) -> None:
    async with start_gateway(max_upload_bytes=1024) as gateway:
        response = await gateway.upload(token, b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert _files_under(blob_root) == []


async def test_malformed_uploads_are_problems(gateway: Gateway, token: str) -> None:
    headers = gateway.auth(token)

    not_multipart = await gateway.client.post("/api/videos", headers=headers, json={"a": 1})
    assert not_multipart.status_code == 415
    assert not_multipart.json()["code"] == "unsupported_media_type"

    no_file = await gateway.client.post(
        "/api/videos", headers=headers, files={"other": ("a.txt", b"x")}, data={"title": "t"}
    )
    assert no_file.status_code == 422
    assert no_file.json()["code"] == "invalid_request"
    assert no_file.json()["errors"] == [
        {"loc": ["body", "file"], "msg": "Field required", "type": "missing"}
    ]

    long_title = await gateway.upload(token, b"x", title="t" * 301)
    assert long_title.status_code == 422
    assert long_title.json()["errors"][0]["loc"] == ["body", "title"]

    truncated = await gateway.client.post(
        "/api/videos",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
    )
    assert truncated.status_code == 400
    assert truncated.json()["code"] == "malformed_upload"

    huge_header = await gateway.client.post(
        "/api/videos",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=b"--b\r\nX-Padding: " + b"a" * 100_000 + b"\r\n\r\nabc\r\n--b--\r\n",
    )
    assert huge_header.status_code == 400
    assert huge_header.json()["code"] == "malformed_upload"


async def test_upload_requires_authentication_before_reading_the_body(
    gateway: Gateway, blob_root: Path
) -> None:
    response = await gateway.client.post(
        "/api/videos", files={"file": ("a.mp4", b"x" * 1000, "video/mp4")}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert _files_under(blob_root) == []
