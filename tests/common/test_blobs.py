"""The deprecated synchronous `LocalBlobStore`: keys cannot escape the root, writes are
all-or-nothing, and it shares its files with `FileBlobStore` (the contract of both
backends is in test_blob_store.py)."""

import hashlib
import uuid
from pathlib import Path

import pytest

from services.common.blobs import (
    BlobNotFoundError,
    FileBlobStore,
    InvalidBlobKeyError,
    LocalBlobStore,
    output_key,
    source_key,
)


@pytest.mark.parametrize(
    "key", ["../escape", "/etc/passwd", "a/../../b", "", "a//b", "./a", "videos/../../x"]
)
def test_keys_that_leave_the_root_are_refused(blob_root: Path, key: str) -> None:
    with pytest.raises(InvalidBlobKeyError):
        LocalBlobStore(blob_root).path(key)


def test_a_written_blob_appears_whole_with_its_digest(blob_root: Path) -> None:
    store = LocalBlobStore(blob_root)
    key = source_key(uuid.uuid4(), uuid.uuid4())
    with store.writer(key) as writer:
        for _ in range(3):
            writer.write(b"x" * 1000)
        assert not store.exists(key), "invisible until complete"
    assert store.size(key) == 3000
    assert writer.sha256 == hashlib.sha256(b"x" * 3000).hexdigest()
    assert store.ref(key).size_bytes == 3000


def test_a_failed_write_leaves_nothing(blob_root: Path) -> None:
    store = LocalBlobStore(blob_root)
    key = output_key(uuid.uuid4(), uuid.uuid4(), "transcode", "mp4-720p.mp4")

    def interrupted_upload() -> None:
        with store.writer(key) as writer:
            writer.write(b"half")
            raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        interrupted_upload()
    assert not store.exists(key)
    assert not list(blob_root.rglob("*.partial"))
    with pytest.raises(BlobNotFoundError):
        store.open(key)


def test_delete_prefix_removes_a_whole_video(blob_root: Path) -> None:
    store = LocalBlobStore(blob_root)
    owner, video = uuid.uuid4(), uuid.uuid4()
    for key in (source_key(owner, video), output_key(owner, video, "metadata", "poster.jpg")):
        with store.writer(key) as writer:
            writer.write(b"data")
    store.delete_prefix(f"videos/{owner}/{video}")
    assert not store.exists(source_key(owner, video))


async def test_the_legacy_store_and_the_file_store_share_their_files(blob_root: Path) -> None:
    """Services can move to `BlobStore` one at a time: both read what the other wrote."""
    legacy, store = LocalBlobStore(blob_root), FileBlobStore(blob_root)
    owner, video = uuid.uuid4(), uuid.uuid4()
    with legacy.writer(source_key(owner, video)) as writer:
        writer.write(b"uploaded by the old gateway")
    assert await store.read_bytes(source_key(owner, video)) == b"uploaded by the old gateway"
    poster = output_key(owner, video, "metadata", "poster.jpg")
    await store.put_bytes(poster, b"jpeg", "image/jpeg")
    assert legacy.size(poster) == 4
    legacy.delete_prefix(f"videos/{owner}/{video}")
    assert [stat async for stat in store.list(f"videos/{owner}/{video}")] == []
