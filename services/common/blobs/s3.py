"""Blobs in an S3-compatible bucket (AWS S3, Supabase Storage, MinIO, R2) via obstore.

obstore wraps the Rust `object_store` crate: uploads stream as multipart uploads of
`part_size` bytes with at most `upload_concurrency` parts in flight (so memory is
bounded by about `part_size * (upload_concurrency + 1)`), and a multipart upload
whose writer exits with an exception (or is cancelled) is aborted, so no orphan
parts remain. A process killed mid-upload cannot abort: configure the bucket's
lifecycle rule `AbortIncompleteMultipartUpload` (docs/blob-storage.md).
"""

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

import obstore
from obstore.exceptions import BaseError as ObstoreError
from obstore.exceptions import NotFoundError as ObstoreNotFoundError
from obstore.store import S3Store

from services.common.blobs.errors import (
    BlobNotFoundError,
    BlobTooLargeError,
    BlobUnavailableError,
)
from services.common.blobs.keys import check_key, check_prefix
from services.common.blobs.store import (
    DEFAULT_READ_CHUNK,
    BlobStat,
    BlobStore,
    BlobUpload,
    check_range,
)

if TYPE_CHECKING:
    from obstore import AsyncWritableFile, GetOptions
    from obstore.store import ClientConfig, S3Config

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
READINESS_TIMEOUT_SECONDS = 5.0
_READINESS_PREFIX = "echo-readiness-probe"
_STORE_ERRORS = (ObstoreError, OSError)
"""obstore raises its own errors, and builtins such as FileNotFoundError for a 404."""


@dataclass(frozen=True)
class S3Options:
    """How to reach one bucket; secrets are plain strings only here, never logged."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    addressing_style: Literal["virtual", "path"] = "virtual"
    part_size: int = 8 * MIB
    upload_concurrency: int = 2
    presign_expiry: timedelta = timedelta(minutes=5)
    scratch_dir: Path | None = None


class _S3Upload(BlobUpload):
    def __init__(self, key: str, writer: "AsyncWritableFile") -> None:
        super().__init__(key)
        self._writer = writer

    async def _write(self, chunk: bytes) -> None:
        # Hash in a thread while obstore copies the chunk into its part buffer (and waits
        # for a part slot when `upload_concurrency` parts are in flight).
        await asyncio.gather(
            self._writer.write(chunk), asyncio.to_thread(self._digest.update, chunk)
        )


class S3BlobStore(BlobStore):
    """Blobs as objects under `prefix` in one bucket."""

    presign_supported = True

    def __init__(self, options: S3Options) -> None:
        if options.prefix:
            check_prefix(options.prefix)
        self.options = options
        config: S3Config = {
            "region": options.region,
            "virtual_hosted_style_request": options.addressing_style == "virtual",
        }
        if options.endpoint_url:
            config["endpoint"] = options.endpoint_url
        if options.access_key_id and options.secret_access_key:
            config["access_key_id"] = options.access_key_id
            config["secret_access_key"] = options.secret_access_key
            if options.session_token:
                config["session_token"] = options.session_token
        client: ClientConfig = {
            "allow_http": bool(options.endpoint_url and options.endpoint_url.startswith("http:")),
            "connect_timeout": timedelta(seconds=10),
            "timeout": timedelta(minutes=5),
        }
        self._store = S3Store(
            options.bucket,
            prefix=options.prefix.removesuffix("/") or None,
            config=config,
            client_options=client,
        )

    @property
    def url(self) -> str:
        prefix = self.options.prefix.removesuffix("/")
        return f"s3://{self.options.bucket}/{prefix}" if prefix else f"s3://{self.options.bucket}"

    def __repr__(self) -> str:
        return f"S3BlobStore({self.url!r}, endpoint={self.options.endpoint_url!r})"

    @contextlib.asynccontextmanager
    async def upload(self, key: str, content_type: str | None = None) -> AsyncIterator[BlobUpload]:
        check_key(key)
        writer = obstore.open_writer_async(
            self._store,
            key,
            attributes={"Content-Type": content_type} if content_type else None,
            buffer_size=self.options.part_size,
            max_concurrency=self.options.upload_concurrency,
        )
        try:
            # On an exception (cancellation included) the writer aborts the multipart
            # upload instead of completing it.
            async with writer:
                yield _S3Upload(key, writer)
        except _STORE_ERRORS as error:
            raise _translate(error, key) from error

    async def put_file(self, key: str, path: Path, content_type: str | None = None) -> BlobStat:
        check_key(key)
        try:
            await obstore.put_async(
                self._store,
                key,
                path,
                attributes={"Content-Type": content_type} if content_type else None,
                chunk_size=self.options.part_size,
                max_concurrency=self.options.upload_concurrency,
            )
        except _STORE_ERRORS as error:
            raise _translate(error, key) from error
        size = (await asyncio.to_thread(path.stat)).st_size
        return BlobStat(key=key, size_bytes=size, content_type=content_type)

    async def stat(self, key: str) -> BlobStat:
        check_key(key)
        try:
            result = await obstore.get_async(self._store, key, options={"head": True})
        except _STORE_ERRORS as error:
            raise _translate(error, key) from error
        meta = result.meta
        content_type = result.attributes.get("Content-Type")
        return BlobStat(
            key=key,
            size_bytes=meta["size"],
            content_type=str(content_type) if content_type is not None else None,
            last_modified=meta["last_modified"],
            etag=meta["e_tag"],
        )

    async def read(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = DEFAULT_READ_CHUNK
    ) -> AsyncIterator[bytes]:
        check_key(key)
        check_range(start, end)
        if end is not None and end == start:
            await self.stat(key)  # S3 refuses an empty range; still report a missing blob
            return
        # A whole read sends no range: S3 refuses `bytes=0-` on an empty object.
        options: GetOptions = {}
        if end is not None:
            options["range"] = (start, end)
        elif start > 0:
            options["range"] = {"offset": start}
        try:
            result = await obstore.get_async(self._store, key, options=options)
        except _STORE_ERRORS as error:
            # S3 answers 416 to a range starting at or past the end; like a file, that is
            # an empty read (a missing blob still raises, from `stat`).
            if (
                start > 0
                and not isinstance(error, ObstoreNotFoundError | FileNotFoundError)
                and start >= (await self.stat(key)).size_bytes
            ):
                return
            raise _translate(error, key) from error
        try:
            async for chunk in result.stream(min_chunk_size=chunk_size):
                yield bytes(chunk)
        except _STORE_ERRORS as error:
            raise _translate(error, key) from error

    @contextlib.asynccontextmanager
    async def scratch_copy(self, key: str, *, max_bytes: int | None = None) -> AsyncIterator[Path]:
        stat = await self.stat(key)
        if max_bytes is not None and stat.size_bytes > max_bytes:
            raise BlobTooLargeError(f"{key} is {stat.size_bytes} bytes, over {max_bytes}")
        scratch = self.options.scratch_dir
        if scratch is not None:
            await asyncio.to_thread(Path(scratch).mkdir, parents=True, exist_ok=True)
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="echo-job-", dir=scratch))
        try:
            copy = folder / "source"
            with await asyncio.to_thread(copy.open, "wb") as file:
                await self._download(key, file, limit=stat.size_bytes)
            yield copy
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def _download(self, key: str, file: BinaryIO, *, limit: int) -> None:
        written = 0
        async for chunk in self.read(key, chunk_size=self.options.part_size):
            written += len(chunk)
            if written > limit:  # replaced by a larger object while we read
                raise BlobTooLargeError(f"{key} grew past {limit} bytes while being copied")
            await asyncio.to_thread(file.write, chunk)

    async def list(self, prefix: str) -> AsyncIterator[BlobStat]:
        prefix = check_prefix(prefix)
        try:
            async for batch in obstore.list(self._store, prefix=prefix, chunk_size=1000):
                for meta in batch:
                    yield BlobStat(
                        key=meta["path"],
                        size_bytes=meta["size"],
                        last_modified=meta["last_modified"],
                        etag=meta["e_tag"],
                    )
        except _STORE_ERRORS as error:
            raise _translate(error, prefix) from error

    async def presigned_get_url(self, key: str, expires_in: timedelta | None = None) -> str | None:
        check_key(key)
        try:
            return await obstore.sign_async(
                self._store, "GET", key, expires_in or self.options.presign_expiry
            )
        except _STORE_ERRORS as error:
            raise _translate(error, key) from error

    async def delete_keys(self, keys: Sequence[str]) -> None:
        for key in keys:
            check_key(key)
        if not keys:
            return
        try:
            await obstore.delete_async(self._store, list(keys))
        except (ObstoreNotFoundError, FileNotFoundError):
            pass
        except _STORE_ERRORS as error:
            raise _translate(error, keys[0]) from error

    async def is_available(self) -> bool:
        async def probe() -> None:
            # One LIST that matches nothing: proves the endpoint, bucket and keys work.
            async for _ in obstore.list(self._store, prefix=_READINESS_PREFIX, chunk_size=1):
                break

        try:
            await asyncio.wait_for(probe(), READINESS_TIMEOUT_SECONDS)
        except (*_STORE_ERRORS, TimeoutError) as error:
            logger.warning("blob storage %s is not available: %s", self.url, error)
            return False
        return True


def _translate(error: Exception, key: str) -> Exception:
    if isinstance(error, ObstoreNotFoundError | FileNotFoundError):
        return BlobNotFoundError(key)
    return BlobUnavailableError(f"{key}: {error}")
