"""Resumable uploads: their state in Postgres (`uploads`), their bytes in a staging blob.

Each PATCH holds the upload's row lock while it appends, so one writer at a time
moves the offset. Bytes are written off the event loop in batches and synced before
the new offset is committed: an acknowledged offset is never ahead of the disk. A
connection that breaks keeps what arrived (the client resumes from there), unless
the chunk carried a checksum, which a part cannot satisfy.

The first `early_validation_bytes` are probed (`media_check`); a file that is not
audio or video is refused then, and the last chunk is probed again as a whole. A
refused or terminated upload leaves no row and no bytes. The last chunk records the
video (the upload's id becomes the video's) in the same transaction as multipart.
"""

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg.errors
from starlette.requests import ClientDisconnect

from services.common.blobs import source_key
from services.common.media.limits import MediaLimits
from services.gateway.api.media_check import check_media
from services.gateway.api.problems import (
    ChecksumMismatchError,
    NotMediaError,
    OffsetMismatchError,
    UploadBusyError,
    UploadExpiredError,
    UploadNotFoundError,
    UploadTooLargeError,
)
from services.gateway.api.quota import ensure_room
from services.gateway.api.tus_protocol import Checksum
from services.gateway.db import uploads, videos
from services.gateway.db.pool import Connection, Database
from services.gateway.db.records import VideoRecord
from services.gateway.db.uploads import UploadRecord
from services.gateway.pipeline.intake import StoredUpload, record_upload_in
from services.gateway.settings import GatewaySettings
from services.gateway.storage import Appender, Storage, staging_key

logger = logging.getLogger(__name__)

_WRITE_BATCH = 1024 * 1024
_HASH_READ = 4 * 1024 * 1024
_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class NewUpload:
    """What a creation request asks for."""

    owner_id: UUID
    length: int
    metadata: dict[str, str]
    title: str
    filename: str
    content_type: str | None


@dataclass(frozen=True)
class UploadState:
    """Where an upload stands, as HEAD and PATCH report it."""

    id: UUID
    offset: int
    length: int
    metadata: dict[str, str]
    expires_at: datetime | None
    video: VideoRecord | None = None
    """Set once the upload is finished: the recorded video."""


def _state(upload: UploadRecord, offset: int | None = None) -> UploadState:
    return UploadState(
        id=upload.id,
        offset=upload.offset if offset is None else offset,
        length=upload.length,
        metadata=upload.metadata,
        expires_at=upload.expires_at,
    )


class _Hashes:
    """The running SHA-256 of each upload this process appended to, by offset reached.

    A PATCH that starts where the last one here ended continues the digest; otherwise
    (another replica, a restart) it is recomputed from the staged bytes.
    """

    def __init__(self) -> None:
        self._running: dict[UUID, tuple[int, hashlib._Hash]] = {}

    def start(self, storage: Storage, upload: UploadRecord) -> "hashlib._Hash":
        known = self._running.get(upload.id)
        if known is not None and known[0] == upload.offset:
            return known[1].copy()
        digest = hashlib.sha256()
        with storage.staged_path(upload.staging_key).open("rb") as file:
            remaining = upload.offset
            while remaining > 0:
                block = file.read(min(_HASH_READ, remaining))
                if not block:
                    break
                digest.update(block)
                remaining -= len(block)
        return digest

    def keep(self, upload_id: UUID, offset: int, digest: "hashlib._Hash") -> None:
        self._running[upload_id] = (offset, digest)

    def hexdigest(self, upload_id: UUID) -> str:
        """The digest of a finished upload (kept by the PATCH that finished it)."""
        return self._running[upload_id][1].hexdigest()

    def forget(self, upload_id: UUID) -> None:
        self._running.pop(upload_id, None)


class ResumableUploads:
    """Create, append to, finish and remove resumable uploads."""

    def __init__(
        self,
        db: Database,
        storage: Storage,
        settings: GatewaySettings,
        on_recorded: Callable[[], None],
    ) -> None:
        self._db = db
        self._storage = storage
        self._settings = settings
        self._limits = MediaLimits(max_duration_seconds=settings.max_duration_seconds)
        self._hashes = _Hashes()
        self._on_recorded = on_recorded

    async def create(self, new: NewUpload) -> UploadRecord:
        """Record a new upload and its empty staging blob (413 over size or quota)."""
        if new.length > self._settings.max_upload_bytes:
            raise UploadTooLargeError(
                f"The file is larger than the {self._settings.max_upload_bytes}-byte limit."
            )
        upload_id = uuid4()
        key = staging_key(new.owner_id, upload_id)
        await asyncio.to_thread(self._storage.create_staging, key)
        try:
            async with self._db.service() as conn:
                await ensure_room(conn, new.owner_id, new.length, self._settings.user_quota_bytes)
                return await uploads.insert_upload(
                    conn,
                    upload_id=upload_id,
                    owner_id=new.owner_id,
                    length=new.length,
                    metadata=new.metadata,
                    title=new.title,
                    filename=new.filename,
                    content_type=new.content_type,
                    staging_key=key,
                    expiry_seconds=self._settings.upload_expiry_seconds,
                )
        except BaseException:
            self._storage.remove(key)
            raise

    async def state(self, owner_id: UUID, upload_id: UUID) -> UploadState:
        """Where the upload stands; a finished one reports its whole length."""
        async with self._db.as_user(owner_id) as conn:
            upload = await uploads.get_upload(conn, owner_id, upload_id)
            if upload is None:
                video = await videos.get_video(conn, owner_id, upload_id)
                if video is None:
                    raise UploadNotFoundError(f"No upload {upload_id}.")
                return UploadState(
                    id=upload_id,
                    offset=video.size_bytes,
                    length=video.size_bytes,
                    metadata={},
                    expires_at=None,
                    video=video,
                )
        _refuse_expired(upload)
        return _state(upload)

    async def append(
        self,
        owner_id: UUID,
        upload_id: UUID,
        offset: int,
        body: AsyncIterator[bytes],
        *,
        checksum: Checksum | None,
        content_length: int | None,
    ) -> UploadState:
        """Append a PATCH body at `offset`; the last byte records the video."""
        try:
            async with self._db.service() as conn:
                upload = await self._lock(conn, owner_id, upload_id)
                if upload.offset != offset:
                    raise OffsetMismatchError(
                        f"The upload is at offset {upload.offset}, not {offset}.",
                        headers={"Upload-Offset": str(upload.offset)},
                    )
                if content_length is not None and offset + content_length > upload.length:
                    raise UploadTooLargeError("The chunk goes past the declared `Upload-Length`.")
                reached, validated, complete = await self._receive(upload, body, checksum)
                await uploads.advance(conn, upload.id, reached, validated=validated)
                if not complete:
                    return _state(upload, reached)
                video = await self._finish(conn, upload)
        except _RefusedError as refused:
            await self.discard(refused.upload)
            raise refused.error from None
        self._on_recorded()
        return UploadState(
            id=upload_id,
            offset=video.size_bytes,
            length=video.size_bytes,
            metadata=upload.metadata,
            expires_at=None,
            video=video,
        )

    async def terminate(self, owner_id: UUID, upload_id: UUID) -> None:
        """Remove an unfinished upload and its bytes (tus termination)."""
        async with self._db.service() as conn:
            upload = await self._lock(conn, owner_id, upload_id, refuse_expired=False)
            await uploads.delete_upload(conn, upload.id)
            await asyncio.to_thread(self._storage.remove, upload.staging_key)
        self._hashes.forget(upload_id)

    async def discard(self, upload: UploadRecord) -> None:
        """Remove a refused or expired upload: its row, then its bytes."""
        async with self._db.service() as conn:
            await uploads.delete_upload(conn, upload.id)
        await asyncio.to_thread(self._storage.remove, upload.staging_key)
        self._hashes.forget(upload.id)

    async def sweep_expired(self, batch: int = 100) -> int:
        """Remove uploads past their expiry; returns how many."""
        async with self._db.service() as conn:
            expired = await uploads.expired_uploads(conn, batch)
            for upload in expired:
                await uploads.delete_upload(conn, upload.id)
        for upload in expired:
            await asyncio.to_thread(self._storage.remove, upload.staging_key)
            self._hashes.forget(upload.id)
        if expired:
            logger.info("swept %d expired uploads", len(expired))
        return len(expired)

    async def _lock(
        self, conn: Connection, owner_id: UUID, upload_id: UUID, *, refuse_expired: bool = True
    ) -> UploadRecord:
        await conn.execute(f"set local lock_timeout = '{_LOCK_TIMEOUT}'")
        try:
            upload = await uploads.lock_upload(conn, owner_id, upload_id)
        except psycopg.errors.LockNotAvailable as error:
            raise UploadBusyError(
                "Another request is writing to this upload; retry shortly.",
                headers={"Retry-After": "1"},
            ) from error
        if upload is None:
            raise UploadNotFoundError(f"No unfinished upload {upload_id}.")
        if refuse_expired:
            _refuse_expired(upload)
        return upload

    async def _receive(
        self, upload: UploadRecord, body: AsyncIterator[bytes], checksum: Checksum | None
    ) -> tuple[int, bool, bool]:
        """Write the body; returns (offset reached, validated, complete). The row lock is
        held by the caller, so the staging blob has no other writer."""
        digest = await asyncio.to_thread(self._hashes.start, self._storage, upload)
        chunk_digest = checksum.hasher() if checksum else None
        writer = await asyncio.to_thread(
            self._storage.open_append, upload.staging_key, upload.offset
        )
        validated = upload.validated
        probed = validated
        pending: list[bytes] = []
        pending_size = 0

        async def flush() -> None:
            nonlocal pending, pending_size
            batch, pending, pending_size = pending, [], 0
            await asyncio.to_thread(_write, writer, batch, digest, chunk_digest)

        try:
            try:
                async for chunk in body:
                    if writer.offset + pending_size + len(chunk) > upload.length:
                        raise UploadTooLargeError(
                            "The body goes past the declared `Upload-Length`."
                        )
                    pending.append(chunk)
                    pending_size += len(chunk)
                    if pending_size >= _WRITE_BATCH:
                        await flush()
                    early = self._settings.early_validation_bytes
                    if not probed and writer.offset + pending_size >= early:
                        await flush()
                        probed = True
                        validated = await self._check(upload, complete=False)
            except ClientDisconnect:
                if checksum is not None:
                    raise
                logger.info("upload %s interrupted; keeping what arrived", upload.id)
            await flush()
            if checksum is not None and chunk_digest and chunk_digest.digest() != checksum.digest:
                raise ChecksumMismatchError(
                    f"The chunk's {checksum.algorithm} does not match `Upload-Checksum`; "
                    "it was not kept."
                )
            complete = writer.offset == upload.length
            if complete:
                await self._check(upload, complete=True)
                validated = True
        except BaseException:
            await asyncio.to_thread(writer.rewind, upload.offset)
            await asyncio.to_thread(writer.close)
            raise
        await asyncio.to_thread(writer.close)
        self._hashes.keep(upload.id, writer.offset, digest)
        return writer.offset, validated, complete

    async def _check(self, upload: UploadRecord, *, complete: bool) -> bool:
        try:
            path = self._storage.staged_path(upload.staging_key)
            return await check_media(path, self._limits, complete=complete)
        except NotMediaError as error:
            raise _RefusedError(upload, error) from error

    async def _finish(self, conn: Connection, upload: UploadRecord) -> VideoRecord:
        key = source_key(upload.owner_id, upload.id)
        sha256 = self._hashes.hexdigest(upload.id)
        await asyncio.to_thread(self._storage.promote, upload.staging_key, key)
        try:
            video, _ = await record_upload_in(
                conn,
                StoredUpload(
                    owner_id=upload.owner_id,
                    video_id=upload.id,
                    key=key,
                    title=upload.title,
                    original_filename=upload.filename,
                    content_type=upload.content_type,
                    size_bytes=upload.length,
                    sha256=sha256,
                ),
            )
            await uploads.delete_upload(conn, upload.id)
        except BaseException:
            await asyncio.to_thread(self._storage.promote, key, upload.staging_key)
            raise
        self._hashes.forget(upload.id)
        return video


class _RefusedError(Exception):
    """The upload must go: its row and bytes are removed, then `error` is answered."""

    def __init__(self, upload: UploadRecord, error: Exception) -> None:
        super().__init__(str(error))
        self.upload = upload
        self.error = error


def _refuse_expired(upload: UploadRecord) -> None:
    if upload.expires_at <= datetime.now(UTC):
        raise UploadExpiredError(
            "This upload expired before it was finished and its bytes are being removed; "
            "start a new one."
        )


def _write(
    writer: Appender,
    chunks: list[bytes],
    digest: "hashlib._Hash",
    chunk_digest: "hashlib._Hash | None",
) -> None:
    for chunk in chunks:
        digest.update(chunk)
        if chunk_digest is not None:
            chunk_digest.update(chunk)
    writer.write(chunks)
