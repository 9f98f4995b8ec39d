"""Resumable uploads over tus 1.0, driven by tuspy (a real client) over real HTTP."""

import asyncio
import base64
import hashlib
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError

from tests.gateway.conftest import Served
from tests.support.bus import eventually
from tests.support.gateway import outbox_ids

Serve = Callable[..., AbstractAsyncContextManager[Served]]
TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 16 * 1024  # the sample video is about 110 KB


def _tus_client(served: Served, token: str) -> tus.TusClient:
    return tus.TusClient(f"{served.url}/api/uploads", headers={"Authorization": f"Bearer {token}"})


async def _tus_upload(
    served: Served,
    token: str,
    path: Path,
    *,
    stop_at: int | None = None,
    url: str | None = None,
    **options: Any,
) -> tuple[str, int]:
    """Upload `path` (up to `stop_at`) with tuspy, as a browser's tus client would;
    returns the upload's URL and the offset reached."""
    with path.open("rb") as stream:
        # Given a URL, tuspy asks for the offset with a blocking request: off the loop.
        uploader = await asyncio.to_thread(
            _tus_client(served, token).async_uploader,
            file_stream=stream,
            url=url,
            chunk_size=CHUNK,
            **options,
        )
        await uploader.upload(stop_at=stop_at)
    assert uploader.url is not None
    return uploader.url, uploader.offset


def _leftovers(blob_root: Path) -> list[Path]:
    """Every staged upload byte still on disk."""
    return [path for path in (blob_root / "uploads").rglob("*") if path.is_file()]


def _metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


async def _create(served: Served, token: str, length: int, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=served.url) as http:
        return await http.post(
            "/api/uploads",
            headers={
                **TUS,
                "Authorization": f"Bearer {token}",
                "Upload-Length": str(length),
                **headers,
            },
        )


async def _patch(
    served: Served, token: str, location: str, offset: int, body: bytes, **headers: str
) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.patch(
            location,
            content=body,
            headers={
                **TUS,
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                **headers,
            },
        )


async def _send_partial(url: str, token: str, offset: int, sent: bytes, declared: int) -> None:
    """A PATCH announcing `declared` bytes whose connection drops after `sent`."""
    target = httpx.URL(url)
    reader, writer = await asyncio.open_connection(target.host, target.port)
    head = (
        f"PATCH {target.raw_path.decode()} HTTP/1.1\r\nHost: {target.host}\r\n"
        f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    )
    writer.write(head.encode() + sent)
    await writer.drain()
    # Long enough for the gateway to read what was sent; uvicorn drops an unread buffer
    # when the connection is gone.
    await asyncio.sleep(1.0)
    writer.close()
    await writer.wait_closed()
    del reader


async def test_tuspy_uploads_a_video_in_chunks_with_checksums(
    served: Served, token: str, sample_video: Path, blob_root: Path, clean_database: str
) -> None:
    location, _ = await _tus_upload(
        served,
        token,
        sample_video,
        metadata={"filename": "holiday.mp4", "filetype": "video/mp4", "title": "Holiday"},
        upload_checksum=True,
    )
    video_id = uuid.UUID(location.rsplit("/", 1)[-1])

    gateway = served.gateway
    response = await gateway.client.get(f"/api/videos/{video_id}", headers=gateway.auth(token))
    assert response.status_code == 200, response.text
    video = response.json()
    data = sample_video.read_bytes()
    assert video["title"] == "Holiday"
    assert video["original_filename"] == "holiday.mp4"
    assert video["content_type"] == "video/mp4"
    assert video["size_bytes"] == len(data)
    assert video["checksum_sha256"] == hashlib.sha256(data).hexdigest()
    assert {job["status"] for job in video["jobs"]} == {"pending"}
    assert (blob_root / f"videos/{video['owner_id']}/{video_id}/source").read_bytes() == data
    assert _leftovers(blob_root) == []
    await eventually(
        lambda: asyncio.to_thread(lambda: f"uploaded:{video_id}" in outbox_ids(clean_database)),
        what="uploaded fact recorded",
    )
    # A finished upload reports its whole length, so a client resuming it is done.
    head = await gateway.client.head(
        f"/api/uploads/{video_id}", headers={**TUS, **gateway.auth(token)}
    )
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(data))


async def test_an_interrupted_upload_resumes_from_its_offset(
    served: Served, token: str, sample_video: Path, blob_root: Path
) -> None:
    location, _ = await _tus_upload(served, token, sample_video, stop_at=2 * CHUNK)
    # The connection breaks in the middle of the next chunk: what arrived is kept.
    data = sample_video.read_bytes()
    await _send_partial(location, token, 2 * CHUNK, data[2 * CHUNK : 2 * CHUNK + 10_000], CHUNK)

    gateway = served.gateway

    async def kept() -> int:
        head = await gateway.client.head(location, headers={**TUS, **gateway.auth(token)})
        offset = int(head.headers["Upload-Offset"])
        return offset if offset > 2 * CHUNK else 0

    assert await eventually(kept, what="partial chunk kept") == 2 * CHUNK + 10_000

    _, reached = await _tus_upload(served, token, sample_video, url=location)
    assert reached == len(data)
    video_id = location.rsplit("/", 1)[-1]
    video = (
        await gateway.client.get(f"/api/videos/{video_id}", headers=gateway.auth(token))
    ).json()
    assert video["checksum_sha256"] == hashlib.sha256(data).hexdigest()
    assert _leftovers(blob_root) == []


async def test_an_abandoned_upload_expires_and_its_bytes_are_swept(
    serve_gateway: Serve, token: str, sample_video: Path, blob_root: Path
) -> None:
    async with serve_gateway(
        upload_expiry_seconds=1.0, upload_sweep_interval_seconds=0.2
    ) as served:
        location, _ = await _tus_upload(served, token, sample_video, stop_at=CHUNK)
        assert _leftovers(blob_root)

        async def swept() -> bool:
            head = await served.gateway.client.head(
                location, headers={**TUS, **served.gateway.auth(token)}
            )
            return head.status_code == 404 and not _leftovers(blob_root)

        await eventually(swept, within=15, what="expired upload swept")
        late = await _patch(served, token, location, CHUNK, b"x" * 10)
        assert late.status_code == 404


async def test_a_chunk_that_fails_its_checksum_is_not_kept(
    served: Served, token: str, sample_video: Path
) -> None:
    data = sample_video.read_bytes()
    created = await _create(served, token, len(data))
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    wrong = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    refused = await _patch(
        served, token, location, 0, data[:CHUNK], **{"Upload-Checksum": f"sha256 {wrong}"}
    )
    assert refused.status_code == 460
    assert refused.json()["code"] == "checksum_mismatch"
    right = base64.b64encode(hashlib.sha256(data[:CHUNK]).digest()).decode()
    unknown = await _patch(
        served, token, location, 0, data[:CHUNK], **{"Upload-Checksum": f"md4 {right}"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unsupported_checksum")
    accepted = await _patch(
        served, token, location, 0, data[:CHUNK], **{"Upload-Checksum": f"sha256 {right}"}
    )
    assert (accepted.status_code, accepted.headers["Upload-Offset"]) == (204, str(CHUNK))
    stale = await _patch(served, token, location, 0, data[:CHUNK])
    assert (stale.status_code, stale.json()["code"]) == (409, "upload_offset_mismatch")


async def test_protocol_discovery_and_version(served: Served, token: str) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        options = await http.options("/api/uploads")
        assert options.status_code == 204
        assert options.headers["Tus-Version"] == "1.0.0"
        assert "checksum" in options.headers["Tus-Extension"]
        assert "sha256" in options.headers["Tus-Checksum-Algorithm"]
        old = await http.post(
            "/api/uploads",
            headers={
                "Tus-Resumable": "0.2.2",
                "Upload-Length": "10",
                "Authorization": f"Bearer {token}",
            },
        )
        assert (old.status_code, old.json()["code"]) == (412, "unsupported_tus_version")


async def test_limits_are_refused_before_any_byte_is_stored(
    serve_gateway: Serve, token: str, blob_root: Path
) -> None:
    async with serve_gateway(max_upload_bytes=1_000_000, user_quota_bytes=1_500_000) as served:
        too_big = await _create(served, token, 1_000_001)
        assert (too_big.status_code, too_big.json()["code"]) == (413, "upload_too_large")
        first = await _create(served, token, 1_000_000)
        assert first.status_code == 201
        over_quota = await _create(served, token, 600_000)
        assert (over_quota.status_code, over_quota.json()["code"]) == (413, "quota_exceeded")
        gateway = served.gateway
        me = (await gateway.client.get("/api/me", headers=gateway.auth(token))).json()
        assert me["usage"] == {
            "used_bytes": 1_000_000,
            "quota_bytes": 1_500_000,
            "videos": 0,
            "uploads_in_progress": 1,
        }
        # A chunk that goes past the declared length is refused before it is read.
        location = first.headers["Location"]
        long_chunk = await _patch(served, token, location, 0, b"\x00" * 1_000_001)
        assert (long_chunk.status_code, long_chunk.json()["code"]) == (413, "upload_too_large")
        terminated = await gateway.client.delete(location, headers={**TUS, **gateway.auth(token)})
        assert terminated.status_code == 204
        assert _leftovers(blob_root) == []


async def test_a_file_that_is_not_media_is_refused_during_the_upload(
    serve_gateway: Serve, token: str, blob_root: Path, database_url: str
) -> None:
    text = b"This is a plain text file, not a video.\n" * 5000  # ~200 KB
    async with serve_gateway(early_validation_bytes=64 * 1024) as served:
        created = await _create(
            served, token, len(text) * 10, **{"Upload-Metadata": _metadata(filename="notes.mp4")}
        )
        location = created.headers["Location"]
        refused = await _patch(served, token, location, 0, text)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "not_media"
        assert _leftovers(blob_root) == []
        head = await served.gateway.client.head(
            location, headers={**TUS, **served.gateway.auth(token)}
        )
        assert head.status_code == 404
        with psycopg.connect(database_url) as conn:
            assert conn.execute("select count(*) from uploads").fetchone() == (0,)

        # A small file is judged when it is complete, through tuspy too.
        small = blob_root.parent / "small.mp4"
        small.write_bytes(b"not a video at all")
        with pytest.raises(TusCommunicationError) as refused_small:
            await _tus_upload(served, token, small)
        assert refused_small.value.status_code == 422
        assert _leftovers(blob_root) == []
        listed = (
            await served.gateway.client.get("/api/videos", headers=served.gateway.auth(token))
        ).json()
        assert listed["items"] == []


async def test_a_video_over_the_duration_limit_is_refused(
    serve_gateway: Serve, token: str, sample_video: Path, blob_root: Path
) -> None:
    async with serve_gateway(max_duration_seconds=1.0) as served:
        with pytest.raises(TusCommunicationError) as refused:
            await _tus_upload(served, token, sample_video)
        assert refused.value.status_code == 422
        assert _leftovers(blob_root) == []


async def test_nul_characters_in_metadata_are_refused(served: Served, token: str) -> None:
    response = await _create(served, token, 10, **{"Upload-Metadata": _metadata(title="a\x00b")})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")
