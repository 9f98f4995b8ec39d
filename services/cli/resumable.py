"""Resumable uploads over tus 1.0 (`/api/uploads`), resumed after any interruption.

The protocol is spoken by `tuspy` (`tusclient`), the tus project's own Python client,
rather than by code of ours: it already does creation, `HEAD` for the offset, and
`PATCH` with `Upload-Checksum`, and it exposes what the CLI needs around them: an
upload URL to resume from (`url=`), one chunk at a time (`upload_chunk`, so the
progress bar follows the server's `Upload-Offset`, the file's bytes) and the last
response's headers (`Echo-Video-Location`). Two things are ours: the checksum is
SHA-256 (tuspy's default is SHA-1, chosen by a class attribute), and the upload URL is
remembered in `<ECHO_DATA_DIR>/uploads.json` under a fingerprint of the file (absolute
path, size, modification time, SHA-256 of its first MiB), so that running the same
command again after Ctrl-C, a network error or a gateway restart asks the server where
the upload stands and sends only the rest. tuspy sets no timeout on its requests: a
stalled connection waits until Ctrl-C, after which a rerun resumes.
"""

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin
from uuid import UUID

from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError
from tusclient.uploader.uploader import Uploader

from services.cli.client import ApiError
from services.devstack.identity import data_dir

CHUNK_SIZE = 8 * 1024 * 1024
FINGERPRINT_BYTES = 1024 * 1024
LEDGER_FILE = Path("uploads.json")

GONE = frozenset({404, 410})
"""Answers to `HEAD` meaning the stored upload no longer exists: start over."""
REFUSED = frozenset({404, 410, 413, 422})
"""Answers to a `PATCH` after which the upload cannot go on (the server removed it)."""


class UploadInterruptedError(Exception):
    """The connection failed mid-upload; what the server acknowledged is kept."""


class _Sha256Uploader(Uploader):
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def fingerprint(path: Path, endpoint: str) -> str:
    """Which upload `path` is, for `endpoint`: changes when the file does."""
    resolved = path.resolve()
    stat = resolved.stat()
    with resolved.open("rb") as file:
        head = hashlib.sha256(file.read(FINGERPRINT_BYTES)).hexdigest()
    return f"{endpoint} {resolved} {stat.st_size} {stat.st_mtime_ns} {head}"


@dataclass(frozen=True)
class UploadLedger:
    """Upload URLs by file fingerprint, in one JSON file, so a rerun can resume."""

    path: Path

    @classmethod
    def default(cls) -> "UploadLedger":
        """The ledger in the data folder (`ECHO_DATA_DIR`, default `.echo`)."""
        return cls(data_dir() / LEDGER_FILE)

    def _read(self) -> dict[str, str]:
        try:
            entries = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else {}

    def _write(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed, so an interruption never leaves half a ledger.
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        partial.write_text(json.dumps(entries, indent=2))
        partial.replace(self.path)

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def remember(self, key: str, url: str) -> None:
        self._write({**self._read(), key: url})

    def forget(self, key: str) -> None:
        entries = self._read()
        if entries.pop(key, None) is not None:
            self._write(entries)


def _api_error(error: TusCommunicationError) -> ApiError | UploadInterruptedError:
    if error.status_code is None:
        return UploadInterruptedError(str(error) or type(error).__name__)
    content = error.response_content if isinstance(error.response_content, bytes) else b""
    return ApiError.from_content(error.status_code, content)


class ResumableUpload:
    """One file's tus upload, created or resumed: `send()` it, then read `video_id`."""

    def __init__(
        self,
        uploads_url: str,
        token: str,
        stream: BinaryIO,
        metadata: dict[str, str],
        *,
        key: str,
        ledger: UploadLedger,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self._key = key
        self._ledger = ledger
        self._stream = stream
        self._client = TusClient(uploads_url, headers={"Authorization": f"Bearer {token}"})
        self._chunk_size = chunk_size
        self._metadata = metadata
        self.length = os.fstat(stream.fileno()).st_size
        self._uploader = self._resumed() or self._created()
        self.resumed_from = self.offset
        """The server's offset when this run started: 0 for a new upload."""

    def _new_uploader(self, url: str | None = None) -> _Sha256Uploader:
        # Given a URL, tuspy asks the server for the offset (HEAD).
        return _Sha256Uploader(
            file_stream=self._stream,
            url=url,
            client=self._client,
            chunk_size=self._chunk_size,
            metadata=self._metadata,
            upload_checksum=True,
        )

    def _resumed(self) -> _Sha256Uploader | None:
        url = self._ledger.get(self._key)
        if url is None:
            return None
        try:
            return self._new_uploader(url)
        except TusCommunicationError as error:
            if error.status_code not in GONE:
                raise _api_error(error) from error
        self._ledger.forget(self._key)
        return None

    def _created(self) -> _Sha256Uploader:
        uploader = self._new_uploader()
        try:
            url = str(uploader.create_url())
        except TusCommunicationError as error:
            raise _api_error(error) from error
        uploader.set_url(url)
        self._ledger.remember(self._key, url)
        return uploader

    @property
    def url(self) -> str:
        """Where the bytes go (the upload's id is the video's)."""
        return str(self._uploader.url)

    @property
    def offset(self) -> int:
        """The server's offset after the last `PATCH`."""
        return int(self._uploader.offset)

    def send(self) -> Iterator[int]:
        """`PATCH` the rest chunk by chunk, yielding the server's offset after each."""
        while self.offset < self.length:
            try:
                # One PATCH of at most a chunk: tuspy stops once the offset reaches stop_at.
                self._uploader.upload(stop_at=min(self.offset + self._chunk_size, self.length))
            except TusCommunicationError as error:
                if error.status_code in REFUSED:
                    self._ledger.forget(self._key)
                raise _api_error(error) from error
            yield self.offset
        self._ledger.forget(self._key)

    @property
    def video_id(self) -> UUID:
        """The finished upload's video: `Echo-Video-Location` of the last `PATCH`, or the
        upload's own id when this run sent nothing (the video has the same id)."""
        request = self._uploader.request
        headers: dict[str, str] = request.response_headers if request is not None else {}
        location = headers.get("echo-video-location") or self.url
        return UUID(urljoin(self.url, location).rstrip("/").rsplit("/", 1)[-1])


@contextmanager
def open_upload(
    api_url: str,
    token: str,
    path: Path,
    metadata: dict[str, str],
    *,
    ledger: UploadLedger,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ResumableUpload]:
    """The upload of `path` to the gateway at `api_url`: resumed when the ledger knows it."""
    uploads_url = f"{api_url}/api/uploads"
    key = fingerprint(path, uploads_url)
    with path.open("rb") as stream:
        yield ResumableUpload(
            uploads_url,
            token,
            stream,
            metadata,
            key=key,
            ledger=ledger,
            chunk_size=chunk_size,
        )
