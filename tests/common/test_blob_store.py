"""One contract, two backends: every test runs against a directory and an S3 bucket
(moto's S3 API on loopback, see `tests/support/s3.py`)."""

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from services.common.blobs import (
    BlobNotFoundError,
    BlobStore,
    BlobTooLargeError,
    BlobUnavailableError,
    FileBlobStore,
    InvalidBlobKeyError,
    S3BlobStore,
    S3Options,
    output_key,
    source_key,
    video_prefix,
)
from services.common.blobs.store import BlobStat
from tests.support.memory import peak_rss_growth
from tests.support.s3 import REGION, S3Server

MIB = 1024 * 1024
PART = 1 * MIB


def s3_store(server: S3Server, bucket: str, **overrides: object) -> S3BlobStore:
    options = {
        "bucket": bucket,
        "prefix": "echo",
        "endpoint_url": server.endpoint_url,
        "region": REGION,
        "access_key_id": server.access_key_id,
        "secret_access_key": server.secret_access_key,
        "addressing_style": "path",
        "part_size": PART,
        "upload_concurrency": 2,
        **overrides,
    }
    return S3BlobStore(S3Options(**options))  # type: ignore[arg-type]


@pytest.fixture(params=["file", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def bucket(backend: str, request: pytest.FixtureRequest) -> str | None:
    if backend != "s3":
        return None
    server: S3Server = request.getfixturevalue("s3_server")
    return server.create_bucket(f"echo-{uuid.uuid4().hex[:16]}")


@pytest.fixture
async def blob_store(
    backend: str, bucket: str | None, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[BlobStore]:
    if backend == "file":
        store: BlobStore = FileBlobStore(tmp_path / "blobs")
        (tmp_path / "blobs").mkdir()
    else:
        assert bucket is not None
        store = s3_store(request.getfixturevalue("s3_server"), bucket)
    yield store
    await store.close()


def leftovers(store: BlobStore, request: pytest.FixtureRequest, bucket: str | None) -> list[str]:
    """Staged files (disk) or multipart uploads (S3) that a write left behind."""
    if isinstance(store, FileBlobStore):
        return [p.name for p in store.root.rglob("*.partial")]
    server: S3Server = request.getfixturevalue("s3_server")
    uploads = server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    return [str(upload["Key"]) for upload in uploads]


def new_key() -> str:
    return source_key(uuid.uuid4(), uuid.uuid4())


async def chunks(total: int, size: int) -> AsyncIterator[bytes]:
    """Fresh bytes objects (a store that kept references to one reused block would look
    flat while holding the whole upload)."""
    block = bytearray(os.urandom(size))
    for index in range(total // size):
        block[:8] = index.to_bytes(8, "big")
        yield bytes(block)


# Writing --------------------------------------------------------------------------


async def test_an_upload_appears_whole_with_its_digest(blob_store: BlobStore) -> None:
    key = new_key()
    data = os.urandom(3 * PART + 123)
    async with blob_store.upload(key, content_type="video/mp4") as upload:
        for start in range(0, len(data), 300_000):
            await upload.write(data[start : start + 300_000])
        assert not await blob_store.exists(key), "invisible until complete"
    assert upload.size_bytes == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    stat = await blob_store.stat(key)
    assert stat.size_bytes == len(data)
    assert stat.content_type == "video/mp4" if isinstance(blob_store, S3BlobStore) else True
    assert await blob_store.read_bytes(key) == data


async def test_a_streamed_upload_keeps_memory_flat(blob_store: BlobStore) -> None:
    """20 MiB in 1 MiB parts: peak memory grows by a few parts, not by the file."""
    total = 20 * MIB
    async with blob_store.upload(new_key()) as warmup:  # runtime, pools, threads
        async for chunk in chunks(2 * PART, 256 * 1024):
            await warmup.write(chunk)
    key = new_key()
    with peak_rss_growth() as growth:
        async with blob_store.upload(key) as upload:
            async for chunk in chunks(total, 256 * 1024):
                await upload.write(chunk)
    assert (await blob_store.stat(key)).size_bytes == total
    assert growth.bytes < 6 * PART, f"peak RSS grew {growth.bytes / MIB:.1f} MiB"


async def test_a_failed_upload_leaves_nothing(
    blob_store: BlobStore, request: pytest.FixtureRequest, bucket: str | None
) -> None:
    key = new_key()

    async def interrupted_upload() -> None:
        async with blob_store.upload(key) as upload:
            async for chunk in chunks(4 * PART, 256 * 1024):
                await upload.write(chunk)  # several parts are already up
            raise RuntimeError("client went away")

    with pytest.raises(RuntimeError, match="client went away"):
        await interrupted_upload()
    assert not await blob_store.exists(key)
    assert [s async for s in blob_store.list("videos")] == []
    assert leftovers(blob_store, request, bucket) == []


async def test_a_cancelled_upload_leaves_nothing(
    blob_store: BlobStore, request: pytest.FixtureRequest, bucket: str | None
) -> None:
    key = new_key()
    written = asyncio.Event()

    async def endless() -> None:
        async with blob_store.upload(key) as upload:
            async for chunk in chunks(1000 * PART, 256 * 1024):
                await upload.write(chunk)
                if upload.size_bytes > 3 * PART:
                    written.set()

    task = asyncio.create_task(endless())
    await asyncio.wait_for(written.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not await blob_store.exists(key)
    assert leftovers(blob_store, request, bucket) == []


async def test_an_empty_upload_is_an_empty_blob(blob_store: BlobStore) -> None:
    key = new_key()
    async with blob_store.upload(key) as upload:
        pass
    assert upload.sha256 == hashlib.sha256(b"").hexdigest()
    assert (await blob_store.stat(key)).size_bytes == 0
    assert await blob_store.read_bytes(key) == b""


async def test_put_file_and_put_bytes_overwrite(blob_store: BlobStore, tmp_path: Path) -> None:
    key = output_key(uuid.uuid4(), uuid.uuid4(), "metadata", "poster.jpg")
    await blob_store.put_bytes(key, b"first", "image/jpeg")
    local = tmp_path / "poster.jpg"
    local.write_bytes(b"second, longer")
    stat = await blob_store.put_file(key, local, "image/jpeg")
    assert stat.size_bytes == len(b"second, longer")
    assert await blob_store.read_bytes(key) == b"second, longer"


# Reading --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, slice(0, None)),
        (10, 20, slice(10, 20)),
        (PART - 5, PART + 5, slice(PART - 5, PART + 5)),
        (2 * PART, None, slice(2 * PART, None)),
        (7, 7, slice(7, 7)),
        (100, 10 * PART, slice(100, None)),
        (2 * PART + 1000, None, slice(0, 0)),
        (3 * PART, 3 * PART + 10, slice(0, 0)),
    ],
)
async def test_ranged_reads(
    blob_store: BlobStore, start: int, end: int | None, expected: slice
) -> None:
    key = new_key()
    data = os.urandom(2 * PART + 1000)
    await blob_store.put_bytes(key, data)
    assert await blob_store.read_bytes(key, start, end) == data[expected]
    chunks_seen = [len(c) async for c in blob_store.read(key, start, end, chunk_size=64 * 1024)]
    assert sum(chunks_seen) == len(data[expected])


async def test_missing_blobs_are_reported(blob_store: BlobStore) -> None:
    key = new_key()
    with pytest.raises(BlobNotFoundError):
        await blob_store.stat(key)
    with pytest.raises(BlobNotFoundError):
        await blob_store.read_bytes(key)
    with pytest.raises(BlobNotFoundError):
        async with blob_store.scratch_copy(key):
            pass
    assert not await blob_store.exists(key)


async def test_scratch_copy_is_private_and_always_removed(blob_store: BlobStore) -> None:
    key = new_key()
    data = os.urandom(PART + 17)
    await blob_store.put_bytes(key, data)
    async with blob_store.scratch_copy(key, max_bytes=len(data)) as path:
        assert path.name == "source"
        assert path.read_bytes() == data
    assert not path.parent.exists()
    with pytest.raises(RuntimeError, match="decoder crashed"):
        async with blob_store.scratch_copy(key) as path:
            raise RuntimeError("decoder crashed")
    assert not path.parent.exists()
    with pytest.raises(BlobTooLargeError):
        async with blob_store.scratch_copy(key, max_bytes=len(data) - 1):
            pass
    assert await blob_store.read_bytes(key) == data, "the stored blob is untouched"


async def test_list_is_recursive_and_bounded_by_the_folder(blob_store: BlobStore) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    keys = [source_key(owner, video), output_key(owner, video, "transcode", "hls/720p/seg-0.ts")]
    for key in keys:
        await blob_store.put_bytes(key, b"x")
    await blob_store.put_bytes(f"videos/{owner}/{video}x/source", b"neighbour")
    listed = sorted([stat.key async for stat in blob_store.list(video_prefix(owner, video))])
    assert listed == sorted(keys)


# Folders of outputs ---------------------------------------------------------------


def write_rendition(folder: Path, segments: int, tag: bytes) -> None:
    (folder / "720p").mkdir(parents=True, exist_ok=True)
    for index in range(segments):
        (folder / "720p" / f"seg-{index}.ts").write_bytes(tag * 1000 + bytes([index]))
    (folder / "720p" / "index.m3u8").write_bytes(b"#EXTM3U variant " + tag)
    (folder / "master.m3u8").write_bytes(b"#EXTM3U master " + tag)
    (folder / ".encoder-tmp.partial").write_bytes(b"ignored")


def record_puts(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, set[str]]]:
    """Each `put_file` of a folder put, with the keys visible when it started."""
    seen: list[tuple[str, set[str]]] = []
    original: Callable[..., object] = store.put_file

    async def put_file(key: str, path: Path, content_type: str | None = None) -> BlobStat:
        visible = {s.key async for s in store.list(key.split("/transcode/")[0])}
        seen.append((key, visible))
        return await original(key, path, content_type)  # type: ignore[misc, no-any-return]

    monkeypatch.setattr(store, "put_file", put_file)
    return seen


async def test_a_folder_goes_up_with_its_manifests_last(
    blob_store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    prefix = output_key(owner, video, "transcode", "hls")
    write_rendition(tmp_path / "out", segments=4, tag=b"a")
    seen = record_puts(blob_store, monkeypatch)
    stored = await blob_store.put_folder(
        prefix, tmp_path / "out", last=["720p/index.m3u8", "master.m3u8"]
    )
    order = [key.removeprefix(prefix + "/") for key, _ in seen]
    assert order[-2:] == ["720p/index.m3u8", "master.m3u8"]
    assert sorted(order[:-2]) == [f"720p/seg-{i}.ts" for i in range(4)]
    segments = {f"{prefix}/720p/seg-{i}.ts" for i in range(4)}
    variant_key, visible_at_variant = seen[-2]
    assert segments <= visible_at_variant, "every segment is up before its playlist"
    assert f"{prefix}/master.m3u8" not in visible_at_variant
    assert variant_key in seen[-1][1], "the variant playlist is up before the master"
    assert [s.key for s in stored][-1] == f"{prefix}/master.m3u8"
    assert (await blob_store.stat(f"{prefix}/master.m3u8")).size_bytes > 0
    if isinstance(blob_store, S3BlobStore):
        stat = await blob_store.stat(f"{prefix}/720p/seg-0.ts")
        assert stat.content_type == "video/mp2t"


async def test_a_rerun_overwrites_a_folder_cleanly(
    blob_store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    prefix = output_key(owner, video, "transcode", "hls")
    write_rendition(tmp_path / "first", segments=5, tag=b"a")
    await blob_store.put_folder(prefix, tmp_path / "first", last=["720p/index.m3u8", "master.m3u8"])
    write_rendition(tmp_path / "second", segments=3, tag=b"b")
    seen = record_puts(blob_store, monkeypatch)
    await blob_store.put_folder(
        prefix, tmp_path / "second", last=["720p/index.m3u8", "master.m3u8"]
    )
    assert f"{prefix}/master.m3u8" not in seen[0][1], "old manifests are withdrawn first"
    listed = sorted([s.key.removeprefix(prefix + "/") async for s in blob_store.list(prefix)])
    assert listed == [
        "720p/index.m3u8",
        "720p/seg-0.ts",
        "720p/seg-1.ts",
        "720p/seg-2.ts",
        "master.m3u8",
    ]
    assert await blob_store.read_bytes(f"{prefix}/master.m3u8") == b"#EXTM3U master b"
    assert (await blob_store.read_bytes(f"{prefix}/720p/seg-0.ts"))[:1] == b"b"


async def test_a_failed_folder_put_publishes_no_manifest(
    blob_store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    prefix = output_key(owner, video, "transcode", "hls")
    write_rendition(tmp_path / "out", segments=4, tag=b"a")
    original = blob_store.put_file

    async def flaky(key: str, path: Path, content_type: str | None = None) -> BlobStat:
        if key.endswith("seg-2.ts"):
            raise BlobUnavailableError("connection reset")
        return await original(key, path, content_type)

    monkeypatch.setattr(blob_store, "put_file", flaky)
    with pytest.raises(BlobUnavailableError, match="connection reset"):
        await blob_store.put_folder(prefix, tmp_path / "out", last=["master.m3u8"])
    assert not await blob_store.exists(f"{prefix}/master.m3u8")


# Deleting -------------------------------------------------------------------------


async def test_delete_prefix_removes_a_whole_video_and_nothing_else(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    owner, video = uuid.uuid4(), uuid.uuid4()
    await blob_store.put_bytes(source_key(owner, video), b"source")
    write_rendition(tmp_path / "out", segments=3, tag=b"a")
    await blob_store.put_folder(
        output_key(owner, video, "transcode", "hls"), tmp_path / "out", last=["master.m3u8"]
    )
    neighbour = source_key(owner, uuid.uuid4())
    await blob_store.put_bytes(neighbour, b"keep me")
    assert await blob_store.delete_prefix(video_prefix(owner, video)) == 6
    assert [s async for s in blob_store.list(video_prefix(owner, video))] == []
    assert await blob_store.read_bytes(neighbour) == b"keep me"
    assert await blob_store.delete_prefix(video_prefix(owner, video)) == 0


# Presigned URLs -------------------------------------------------------------------


async def test_presigned_urls_fetch_without_credentials_and_expire(
    blob_store: BlobStore,
) -> None:
    key, other = new_key(), new_key()
    await blob_store.put_bytes(key, b"the rendition", "video/mp4")
    await blob_store.put_bytes(other, b"someone else's")
    url = await blob_store.presigned_get_url(key)
    if isinstance(blob_store, FileBlobStore):
        assert url is None, "disk cannot sign: the gateway serves those bytes itself"
        return
    assert url is not None
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
        assert response.status_code == 200
        assert response.content == b"the rendition"
        ranged = await http.get(url, headers={"Range": "bytes=4-12"})
        assert (ranged.status_code, ranged.content) == (206, b"rendition")
        assert (await http.get(url.split("?")[0])).status_code == 403, "no anonymous reads"
        other_key_tail = other.split("/", 1)[1]
        forged = url.replace(key.split("/", 1)[1], other_key_tail)
        assert forged != url
        assert (await http.get(forged)).status_code == 403
        short = await blob_store.presigned_get_url(key, expires_in=timedelta(seconds=1))
        assert short is not None
        assert "X-Amz-Expires=1&" in short
        await asyncio.sleep(2.2)
        expired = await http.get(short)
        assert expired.status_code == 403
        assert b"expired" in expired.content


# Keys -----------------------------------------------------------------------------

BAD_KEYS = [
    "../escape",
    "/etc/passwd",
    "a/../../b",
    "",
    "a//b",
    "./a",
    "videos/../../x",
    "videos/.hidden",
    "a\\b",
    "a/\x00b",
    "a/b/",
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_keys_that_could_escape_are_refused(blob_store: BlobStore, key: str) -> None:
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.put_bytes(key, b"x")
    with pytest.raises(InvalidBlobKeyError):
        async with blob_store.upload(key):
            pass
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.stat(key)
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.read_bytes(key)
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.presigned_get_url(key)
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.delete_keys([key])
    if key not in ("a/b/",):  # a folder with one trailing slash is a valid prefix
        with pytest.raises(InvalidBlobKeyError):
            await blob_store.delete_prefix(key)


async def test_a_folder_with_an_unsafe_manifest_name_is_refused(
    blob_store: BlobStore, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "seg.ts").write_bytes(b"x")
    with pytest.raises(InvalidBlobKeyError):
        await blob_store.put_folder("../outside", tmp_path / "out")
    assert [s async for s in blob_store.list("videos")] == []


# Readiness ------------------------------------------------------------------------


async def test_readiness(
    blob_store: BlobStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    assert await blob_store.is_available()
    if isinstance(blob_store, FileBlobStore):
        assert not await FileBlobStore(tmp_path / "missing").is_available()
    else:
        assert isinstance(blob_store, S3BlobStore)
        s3_server: S3Server = request.getfixturevalue("s3_server")
        assert not await s3_store(s3_server, "no-such-bucket-here").is_available()
        assert not await s3_store(
            s3_server, blob_store.options.bucket, endpoint_url="http://127.0.0.1:9"
        ).is_available()
