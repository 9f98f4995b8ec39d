"""The blob-store interface every service codes against, and the logic backends share.

Two backends implement it: `FileBlobStore` (a local or shared directory, the
embedded default) and `S3BlobStore` (any S3-compatible bucket). Choose one with
`open_blob_store(settings)`; code that takes a `BlobStore` never knows which.

Guarantees every backend keeps:

- A blob appears under its key whole or not at all: `upload` and `put_file` publish
  only on success and leave nothing (no object, no multipart parts, no temp file)
  on failure or cancellation. A rerun overwrites.
- `put_folder` publishes a rendition's files first and its manifests last, so a
  reader who sees a playlist sees every segment it names.
- Memory stays flat: uploads are streamed in parts, reads in chunks.
"""

import abc
import asyncio
import hashlib
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from contracts.media import BlobRef
from services.common.blobs.errors import BlobError, BlobNotFoundError, InvalidBlobKeyError
from services.common.blobs.keys import check_key, check_prefix, guess_content_type, join_key

DEFAULT_READ_CHUNK = 1024 * 1024
"""Bytes per chunk when streaming a blob out."""


@dataclass(frozen=True)
class BlobStat:
    """What a store knows about one stored blob."""

    key: str
    size_bytes: int
    content_type: str | None = None
    last_modified: datetime | None = None
    etag: str | None = None


class BlobUpload(abc.ABC):
    """An open, incomplete blob: `write` streams bytes and tracks size and SHA-256."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.size_bytes = 0
        self._digest = hashlib.sha256()

    async def write(self, chunk: bytes) -> None:
        """Append `chunk`; buffered at most one part (S3) or one chunk (disk)."""
        if chunk:
            await self._write(chunk)
            self.size_bytes += len(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    @abc.abstractmethod
    async def _write(self, chunk: bytes) -> None:
        """Store `chunk` and add it to `_digest` (hashing off the event loop: a MiB takes
        milliseconds, which the gateway's other requests should not wait for)."""


class BlobStore(abc.ABC):
    """Blobs under keys like `videos/<owner>/<video>/...` (see `keys.py`)."""

    presign_supported: bool = False
    """True when `presigned_get_url` returns URLs (S3), False when it returns None (disk)."""

    @property
    @abc.abstractmethod
    def url(self) -> str:
        """Where the blobs are (`file:///...`, `s3://bucket/prefix`); never has secrets."""

    # Writing -----------------------------------------------------------------------

    @abc.abstractmethod
    def upload(
        self, key: str, content_type: str | None = None
    ) -> AbstractAsyncContextManager[BlobUpload]:
        """Stream a blob of unknown length; it appears under `key` only if the block
        exits cleanly, and nothing of it remains if the block raises or is cancelled."""

    @abc.abstractmethod
    async def put_file(self, key: str, path: Path, content_type: str | None = None) -> BlobStat:
        """Store a finished local file under `key` (overwriting), all or nothing."""

    async def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> BlobStat:
        """Store a small blob held in memory (a poster, a manifest), all or nothing."""
        async with self.upload(key, content_type) as upload:
            await upload.write(data)
        return BlobStat(key=key, size_bytes=len(data), content_type=content_type)

    async def put_folder(
        self,
        prefix: str,
        folder: Path,
        *,
        last: Sequence[str] = (),
        content_types: Mapping[str, str] | None = None,
        concurrency: int = 4,
    ) -> list[BlobStat]:
        """Publish every file under `folder` as `prefix/<relative path>`.

        Files named in `last` (relative paths, e.g. the variant playlists then the master
        playlist) go up after all others, in that order, so a reader never sees a
        manifest before the files it names. A rerun overwrites cleanly: the previous
        run's manifests are removed first (the old rendition stops being advertised
        rather than mixing with the new one), and objects the new run did not produce
        are removed at the end. Returns the stored blobs, manifests last.

        `prefix` must be the folder of this output alone (e.g. `.../transcode/hls`): what
        else is under it is deleted as stale. Up to `concurrency` files go up at once;
        manifests one by one.
        """
        prefix = check_prefix(prefix)
        names = sorted(await asyncio.to_thread(_relative_files, folder))
        missing = [name for name in last if name not in names]
        if missing:
            raise BlobError(f"manifests not found in {folder}: {missing}")
        for name in names:
            join_key(prefix, name)  # refuse the whole folder before writing any of it
        previous = {stat.key async for stat in self.list(prefix)}
        manifests = [join_key(prefix, name) for name in last]
        await self.delete_keys([key for key in manifests if key in previous])

        async def put(name: str) -> BlobStat:
            content_type = (content_types or {}).get(name) or guess_content_type(name)
            return await self.put_file(join_key(prefix, name), folder / name, content_type)

        slots = asyncio.Semaphore(concurrency)

        async def put_body(name: str) -> BlobStat:
            async with slots:
                return await put(name)

        try:
            async with asyncio.TaskGroup() as group:  # every body file is up before any manifest
                tasks = [group.create_task(put_body(name)) for name in names if name not in last]
        except* Exception as errors:  # the first failure, as a single put would raise it
            raise errors.exceptions[0] from None
        stored = [task.result() for task in tasks]
        for name in last:
            stored.append(await put(name))
        produced = {stat.key for stat in stored}
        await self.delete_keys(sorted(previous - produced))
        return stored

    # Reading -----------------------------------------------------------------------

    @abc.abstractmethod
    async def stat(self, key: str) -> BlobStat:
        """Size and content type of a blob; raises `BlobNotFoundError`."""

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except BlobNotFoundError:
            return False
        return True

    @abc.abstractmethod
    def read(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = DEFAULT_READ_CHUNK
    ) -> AsyncIterator[bytes]:
        """Stream bytes `[start, end)` of a blob (to its end when `end` is None), as for an
        HTTP Range request; raises `BlobNotFoundError` before the first chunk."""

    async def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """A blob's bytes `[start, end)` in memory: only for small ranges and blobs."""
        return b"".join([chunk async for chunk in self.read(key, start, end)])

    @abc.abstractmethod
    def scratch_copy(
        self, key: str, *, max_bytes: int | None = None
    ) -> AbstractAsyncContextManager[Path]:
        """A private local copy of a blob for a worker's decoder, removed when the block
        exits however it exits. The file's name is fixed (`source`, no extension), never
        taken from the upload. Raises `BlobTooLargeError` past `max_bytes`."""

    @abc.abstractmethod
    def list(self, prefix: str) -> AsyncIterator[BlobStat]:
        """Every blob under the folder `prefix` (recursively), in no particular order."""

    @abc.abstractmethod
    async def presigned_get_url(self, key: str, expires_in: timedelta | None = None) -> str | None:
        """A URL that fetches the blob without credentials until it expires (S3), or None
        when the backend cannot sign (disk: the gateway serves those bytes itself). The
        caller checks ownership first."""

    # Deleting ----------------------------------------------------------------------

    @abc.abstractmethod
    async def delete_keys(self, keys: Sequence[str]) -> None:
        """Remove these blobs; missing ones are ignored."""

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every blob under the folder `prefix` (a video's); returns how many."""
        keys = [stat.key async for stat in self.list(check_prefix(prefix))]
        await self.delete_keys(keys)
        return len(keys)

    # Lifecycle ---------------------------------------------------------------------

    @abc.abstractmethod
    async def is_available(self) -> bool:
        """Whether the storage answers and accepts our credentials (readiness)."""

    async def close(self) -> None:  # noqa: B027 (optional hook; most backends hold nothing)
        """Release connections; the store is unusable afterwards."""

    def ref(self, stat: BlobStat, sha256: str | None = None) -> BlobRef:
        """A contract reference to a stored blob."""
        return BlobRef(
            key=stat.key, size_bytes=stat.size_bytes, sha256=sha256, content_type=stat.content_type
        )


def check_range(start: int, end: int | None) -> None:
    """Refuse a byte range `[start, end)` that is negative or reversed."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range [{start}, {end})")


def _relative_files(folder: Path) -> list[str]:
    if not folder.is_dir():
        raise BlobError(f"not a folder: {folder}")
    names = []
    for path in folder.rglob("*"):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            try:
                check_key(name)
            except InvalidBlobKeyError:
                continue  # hidden or temporary files an encoder left beside its outputs
            names.append(name)
    return names
