"""The gateway's one door to blob storage: where a video's files live, staging blobs that
resumable uploads append to, and how a stored file is handed to a browser.

Everything here is written against `LocalBlobStore`; an object-store implementation
changes this module only (appends become multipart-upload parts, `presigned_url`
answers a URL instead of `None`). Blocking calls are synchronous: callers run them
in a thread.
"""

import io
import os
from pathlib import Path, PurePosixPath
from uuid import UUID

from services.common.blobs import InvalidBlobKeyError, LocalBlobStore, source_key

UPLOADS_PREFIX = "uploads"


def video_prefix(owner_id: UUID, video_id: UUID) -> str:
    """The blob prefix holding everything of one video (source and outputs)."""
    return PurePosixPath(source_key(owner_id, video_id)).parent.as_posix()


def staging_key(owner_id: UUID, upload_id: UUID) -> str:
    """Where the bytes of a resumable upload accumulate until it is finished."""
    return f"{UPLOADS_PREFIX}/{owner_id}/{upload_id}"


class Storage:
    """Blob operations of the gateway over a `LocalBlobStore`."""

    def __init__(self, store: LocalBlobStore) -> None:
        self.store = store

    def local_path(self, key: str) -> Path | None:
        """The file behind `key`, when it exists and is a regular file."""
        try:
            path = self.store.path(key)
        except InvalidBlobKeyError:
            return None
        return path if path.is_file() else None

    def presigned_url(self, key: str, ttl_seconds: int) -> str | None:
        """A URL the store itself signs for `key`; `None`: the gateway serves the bytes.

        The seam for object storage: return the S3 presigned GET URL and the media
        route redirects to it.
        """
        del key, ttl_seconds
        return None

    def create_staging(self, key: str) -> None:
        """An empty staging blob (replaced if a crash left one)."""
        path = self.store.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            os.fsync(file.fileno())

    def staged_path(self, key: str) -> Path:
        return self.store.path(key)

    def staged_size(self, key: str) -> int:
        try:
            return self.store.path(key).stat().st_size
        except FileNotFoundError:
            return 0

    def open_append(self, key: str, offset: int) -> "Appender":
        """Write at `offset` of the staging blob, dropping anything after it."""
        file = io.FileIO(self.store.path(key), "r+")
        file.seek(offset)
        file.truncate()
        return Appender(file, offset)

    def promote(self, staging: str, final_key: str) -> None:
        """Move a finished staging blob to its final key (one rename on one volume)."""
        target = self.store.path(final_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.store.path(staging), target)

    def remove(self, key: str) -> None:
        self.store.path(key).unlink(missing_ok=True)

    def remove_prefix(self, prefix: str) -> None:
        self.store.delete_prefix(prefix)


class Appender:
    """An open staging blob; `write` appends, `close` syncs (a crash loses no acked byte)."""

    def __init__(self, file: io.FileIO, offset: int) -> None:
        self._file = file
        self.offset = offset

    def write(self, chunks: list[bytes]) -> None:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[self._file.write(view) or 0 :]
            self.offset += len(chunk)

    def rewind(self, offset: int) -> None:
        """Drop what was written after `offset` (a chunk that failed its checksum)."""
        self._file.truncate(offset)
        self._file.seek(offset)
        self.offset = offset

    def close(self) -> None:
        try:
            os.fsync(self._file.fileno())
        finally:
            self._file.close()
