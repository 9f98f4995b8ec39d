"""Deprecated: the synchronous directory store services used before `BlobStore`.

Kept so services can move to `services.common.blobs.BlobStore` one at a time; it
reads and writes the same files, under the same keys, as `FileBlobStore`.

Writers never expose a half-written file: bytes go to a hidden temporary file
beside the target and are renamed into place only once complete and synced.
"""

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from contracts.media import BlobRef
from services.common.blobs.errors import BlobNotFoundError, InvalidBlobKeyError


@dataclass
class BlobWriter:
    """An open, incomplete blob; `write` streams bytes and tracks size and digest."""

    file: BinaryIO
    size_bytes: int = 0
    _digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self._digest.update(chunk)
        self.size_bytes += len(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


class LocalBlobStore:
    """Blobs as files under one root directory (a local folder or a shared volume)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        """The file behind a key; refuses keys that leave the root."""
        pure = PurePosixPath(key)
        if (
            str(pure) != key
            or pure.is_absolute()
            or any(part in ("", ".", "..") for part in pure.parts)
        ):
            raise InvalidBlobKeyError(f"invalid blob key: {key!r}")
        path = (self.root / pure).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidBlobKeyError(f"invalid blob key: {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError as error:
            raise BlobNotFoundError(key) from error

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError as error:
            raise BlobNotFoundError(key) from error

    @contextmanager
    def writer(self, key: str, content_type: str | None = None) -> Iterator[BlobWriter]:
        """Stream a new blob; it appears under `key` only if the block exits cleanly."""
        with self.staged_file(key) as temp_path, temp_path.open("wb") as file:
            writer = BlobWriter(file)
            yield writer
            file.flush()
            os.fsync(file.fileno())

    @contextmanager
    def staged_file(self, key: str) -> Iterator[Path]:
        """A temporary path to write with any library; renamed to `key` on clean exit.

        Used by workers whose encoders want a file path rather than a stream.
        """
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp_path = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        try:
            yield temp_path
            os.replace(temp_path, target)
        finally:
            temp_path.unlink(missing_ok=True)

    def ref(self, key: str, content_type: str | None = None, sha256: str | None = None) -> BlobRef:
        """A contract reference to a stored blob."""
        return BlobRef(key=key, size_bytes=self.size(key), sha256=sha256, content_type=content_type)

    def delete_prefix(self, prefix: str) -> None:
        """Remove every blob under a key prefix (a whole video, for example)."""
        shutil.rmtree(self.path(prefix), ignore_errors=True)

    def is_available(self) -> bool:
        """True when the root exists and is writable (readiness check)."""
        return self.root.is_dir() and os.access(self.root, os.W_OK)
