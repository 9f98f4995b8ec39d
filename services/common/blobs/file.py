"""Blobs as files under one root directory: the embedded default, or a shared volume.

Writers never expose a half-written file: bytes go to a hidden temporary file beside
the target (`.<name>.<uuid>.partial`) and are renamed into place only once complete
and synced. File I/O runs in threads so the event loop keeps serving.
"""

import asyncio
import contextlib
import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from services.common.blobs.errors import (
    BlobNotFoundError,
    BlobTooLargeError,
    BlobUnavailableError,
    InvalidBlobKeyError,
)
from services.common.blobs.keys import check_key, check_prefix, guess_content_type
from services.common.blobs.store import (
    DEFAULT_READ_CHUNK,
    BlobStat,
    BlobStore,
    BlobUpload,
    check_range,
)

SCRATCH_DIR_NAME = ".scratch"
"""Scratch copies live under the root (same file system: a hard link, not a copy)."""


class _FileUpload(BlobUpload):
    def __init__(self, key: str, file: BinaryIO) -> None:
        super().__init__(key)
        self._file = file

    async def _write(self, chunk: bytes) -> None:
        await asyncio.to_thread(self._write_and_hash, chunk)

    def _write_and_hash(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._digest.update(chunk)


class FileBlobStore(BlobStore):
    """Blobs as files under `root`; keys are relative paths inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @property
    def url(self) -> str:
        return self.root.as_uri()

    def path(self, key: str) -> Path:
        """The file behind a key (disk only: the gateway serves these itself)."""
        path = (self.root / PurePosixPath(check_key(key))).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidBlobKeyError(f"invalid blob key: {key!r}")  # through a symlink
        return path

    @contextlib.asynccontextmanager
    async def upload(self, key: str, content_type: str | None = None) -> AsyncIterator[BlobUpload]:
        target = self.path(key)
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        staged = _staged_path(target)
        file = await asyncio.to_thread(staged.open, "wb")
        try:
            with file:
                yield _FileUpload(key, file)
                await asyncio.to_thread(_sync, file)
            await asyncio.to_thread(os.replace, staged, target)
        finally:
            # Synchronous on purpose: it must also run while the task is being cancelled.
            staged.unlink(missing_ok=True)

    async def put_file(self, key: str, path: Path, content_type: str | None = None) -> BlobStat:
        target = self.path(key)
        size = await asyncio.to_thread(_copy_into_place, path, target)
        return BlobStat(key=key, size_bytes=size, content_type=content_type)

    async def stat(self, key: str) -> BlobStat:
        path = self.path(key)
        try:
            info = await asyncio.to_thread(path.stat)
        except FileNotFoundError as error:
            raise BlobNotFoundError(key) from error
        if not path.is_file():
            raise BlobNotFoundError(key)
        return BlobStat(
            key=key,
            size_bytes=info.st_size,
            content_type=guess_content_type(key),
            last_modified=datetime.fromtimestamp(info.st_mtime, UTC),
        )

    async def read(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = DEFAULT_READ_CHUNK
    ) -> AsyncIterator[bytes]:
        check_range(start, end)
        path = self.path(key)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError) as error:
            raise BlobNotFoundError(key) from error
        with file:
            await asyncio.to_thread(file.seek, start)
            remaining = None if end is None else end - start
            while remaining is None or remaining > 0:
                size = chunk_size if remaining is None else min(chunk_size, remaining)
                chunk = await asyncio.to_thread(file.read, size)
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    @contextlib.asynccontextmanager
    async def scratch_copy(self, key: str, *, max_bytes: int | None = None) -> AsyncIterator[Path]:
        stat = await self.stat(key)
        if max_bytes is not None and stat.size_bytes > max_bytes:
            raise BlobTooLargeError(f"{key} is {stat.size_bytes} bytes, over {max_bytes}")
        scratch_root = self.root / SCRATCH_DIR_NAME
        await asyncio.to_thread(scratch_root.mkdir, parents=True, exist_ok=True)
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="job-", dir=scratch_root))
        try:
            copy = folder / "source"
            await asyncio.to_thread(_link_or_copy, self.path(key), copy)
            yield copy
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def list(self, prefix: str) -> AsyncIterator[BlobStat]:
        folder = self.path(check_prefix(prefix))
        for key, size, mtime in await asyncio.to_thread(_walk, self.root, folder):
            yield BlobStat(
                key=key,
                size_bytes=size,
                content_type=guess_content_type(key),
                last_modified=datetime.fromtimestamp(mtime, UTC),
            )

    async def presigned_get_url(self, key: str, expires_in: timedelta | None = None) -> str | None:
        check_key(key)
        return None

    async def delete_keys(self, keys: Sequence[str]) -> None:
        paths = [self.path(key) for key in keys]
        await asyncio.to_thread(_unlink_all, paths)

    async def delete_prefix(self, prefix: str) -> int:
        folder = self.path(check_prefix(prefix))
        count = len(await asyncio.to_thread(_walk, self.root, folder))
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
        return count

    async def is_available(self) -> bool:
        def check() -> bool:
            return self.root.is_dir() and os.access(self.root, os.W_OK)

        return await asyncio.to_thread(check)


def _staged_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")


def _sync(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())


def _copy_into_place(source: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = _staged_path(target)
    try:
        with source.open("rb") as src, staged.open("wb") as dst:
            shutil.copyfileobj(src, dst, DEFAULT_READ_CHUNK)
            _sync(dst)
            size = dst.tell()
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    return size


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError as error:
        raise BlobNotFoundError(str(source)) from error
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise BlobUnavailableError(str(error)) from error
        shutil.copyfile(source, target)


def _walk(root: Path, folder: Path) -> list[tuple[str, int, float]]:
    found = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue  # staging files of writes in progress
            path = Path(directory) / name
            with contextlib.suppress(FileNotFoundError):
                info = path.stat()
                found.append((path.relative_to(root).as_posix(), info.st_size, info.st_mtime))
    return found


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
