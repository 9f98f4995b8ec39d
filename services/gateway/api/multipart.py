"""Streaming a multipart upload form straight into blob storage.

python-multipart's streaming parser runs on `request.stream()` (not Starlette's
form parser, which spools to temporary files); the `file` part's bytes are
written off the event loop to a staged blob as they arrive, hashed and counted,
so memory stays flat whatever the size. Past the size limit the upload stops
with 413 and the staged blob is removed; nothing is left behind on any failure.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from services.common.blobs import BlobWriter, LocalBlobStore
from services.common.problems import field_error
from services.gateway.api.problems import (
    InvalidRequestError,
    MalformedUploadError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELD = "file"
TITLE_FIELD = "title"
# Room for the multipart envelope (boundaries, part headers, the title) around the file.
ENVELOPE_ALLOWANCE = 1024 * 1024
_FIELDS_LIMIT = 64 * 1024  # every non-file part together
_HEADER_LIMIT = 8 * 1024  # one part header line, name or value
_WRITE_BATCH = 1024 * 1024  # bytes gathered before one write in a worker thread
_MAX_FILENAME = 255
MAX_TITLE = 300


@dataclass
class ReceivedFile:
    """The stored upload and what the client said about it."""

    key: str
    filename: str
    content_type: str | None
    size_bytes: int
    sha256: str
    title: str | None


@dataclass
class _Form:
    """python-multipart callbacks collecting one upload form; file bytes are queued."""

    max_file_bytes: int
    part_name: str | None = None
    part_is_file: bool = False
    file_started: bool = False
    file_size: int = 0
    filename: str = ""
    file_content_type: str | None = None
    title: bytearray | None = None
    fields_size: int = 0
    finished: bool = False
    _header_name: bytearray = field(default_factory=bytearray)
    _header_value: bytearray = field(default_factory=bytearray)
    _headers: dict[bytes, bytes] = field(default_factory=dict)
    _pending: list[bytes] = field(default_factory=list)
    _pending_size: int = 0

    def callbacks(self) -> "MultipartCallbacks":
        return {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_end": self._on_end,
        }

    @property
    def pending_size(self) -> int:
        return self._pending_size

    def take_pending(self) -> list[bytes]:
        chunks, self._pending, self._pending_size = self._pending, [], 0
        return chunks

    def _on_part_begin(self) -> None:
        self._headers = {}
        self.part_name = None
        self.part_is_file = False

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]
        _check_header_size(self._header_name)

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        _check_header_size(self._header_value)

    def _on_header_end(self) -> None:
        self._headers[bytes(self._header_name).lower()] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name")
        if name is None:
            raise MalformedUploadError("A multipart part has no `name` in Content-Disposition.")
        self.part_name = name.decode("utf-8", errors="replace")
        if self.part_name == FILE_FIELD:
            if self.file_started:
                raise InvalidRequestError(
                    "Send one file per upload.",
                    errors=[field_error(["body", FILE_FIELD], "Only one file.", "too_many")],
                )
            self.part_is_file = True
            self.file_started = True
            self.filename = clean_filename(options.get(b"filename", b""))
            declared = clean_text(self._headers.get(b"content-type", b"").decode("latin-1"))
            self.file_content_type = declared[:255] or None
        elif self.part_name == TITLE_FIELD:
            self.title = bytearray()

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self.part_is_file:
            self.file_size += size
            if self.file_size > self.max_file_bytes:
                raise UploadTooLargeError(
                    f"The file is larger than the {self.max_file_bytes}-byte limit."
                )
            self._pending.append(data[start:end])
            self._pending_size += size
            return
        self.fields_size += size
        if self.fields_size > _FIELDS_LIMIT:
            raise InvalidRequestError(
                "The form fields besides the file are too large.",
                errors=[field_error(["body"], "Form fields too large.", "too_long")],
            )
        if self.part_name == TITLE_FIELD and self.title is not None:
            self.title += data[start:end]

    def _on_end(self) -> None:
        self.finished = True


def _check_header_size(buffer: bytearray) -> None:
    if len(buffer) > _HEADER_LIMIT:
        raise MalformedUploadError(f"A multipart part header is longer than {_HEADER_LIMIT} bytes.")


def clean_text(text: str) -> str:
    """`text` with only printable characters (none Postgres cannot store), stripped."""
    return "".join(ch for ch in text if ch.isprintable()).strip()


def clean_filename(raw: bytes) -> str:
    """The last path component of a client-sent file name, printable characters only."""
    name = raw.decode("utf-8", errors="replace")
    # Some clients send a whole path; only the last component is the file's name.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return clean_text(name)[:_MAX_FILENAME]


def _title(form: _Form) -> str | None:
    if form.title is None:
        return None
    title = form.title.decode("utf-8", errors="replace").strip()
    if "\x00" in title or not 1 <= len(title) <= MAX_TITLE:
        raise InvalidRequestError(
            f"The title must be 1 to {MAX_TITLE} characters, without NUL.",
            errors=[field_error(["body", TITLE_FIELD], "Must be 1-300 characters.", "value_error")],
        )
    return title


class _StagedBlob:
    """`LocalBlobStore.writer`, driven from the event loop with file I/O in threads."""

    def __init__(self, store: LocalBlobStore, key: str) -> None:
        self._stack = contextlib.ExitStack()
        self._store = store
        self._key = key
        self._writer: BlobWriter | None = None

    @property
    def opened(self) -> bool:
        return self._writer is not None

    async def open(self) -> None:
        self._writer = await asyncio.to_thread(
            self._stack.enter_context, self._store.writer(self._key)
        )

    async def write(self, chunks: list[bytes]) -> None:
        if chunks and self._writer is not None:
            await asyncio.to_thread(_write_all, self._writer, chunks)

    async def commit(self) -> str:
        """Sync and rename into place; returns the SHA-256 of what was written."""
        assert self._writer is not None
        await asyncio.to_thread(self._stack.close)
        return self._writer.sha256

    def discard(self) -> None:
        """Drop the staged file (synchronous: it must also run while being cancelled)."""
        self._stack.__exit__(_DiscardedError, _DiscardedError(), None)


class _DiscardedError(Exception):
    """Unwinds the blob writer so its staged file is removed, not renamed."""


def _write_all(writer: BlobWriter, chunks: list[bytes]) -> None:
    for chunk in chunks:
        writer.write(chunk)


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data":
        raise UnsupportedMediaTypeError(
            "Send the video as multipart/form-data with the file in the `file` field."
        )
    boundary = options.get(b"boundary")
    if not boundary:
        raise MalformedUploadError("The multipart Content-Type has no boundary.")
    return boundary


def _check_declared_length(request: Request, max_bytes: int) -> None:
    declared = request.headers.get("content-length")
    if (
        declared is not None
        and declared.isdigit()
        and int(declared) > max_bytes + ENVELOPE_ALLOWANCE
    ):
        raise UploadTooLargeError(f"The file is larger than the {max_bytes}-byte limit.")


async def receive_file(
    request: Request, store: LocalBlobStore, key: str, max_bytes: int
) -> ReceivedFile:
    """Stream the form's `file` into blob `key`; nothing is left behind on failure."""
    boundary = _boundary(request)
    _check_declared_length(request, max_bytes)
    form = _Form(max_file_bytes=max_bytes)
    parser = MultipartParser(boundary, form.callbacks())
    blob = _StagedBlob(store, key)
    try:
        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except FormParserError as error:
                raise MalformedUploadError("The multipart body is malformed.") from error
            if form.file_started and not blob.opened:
                await blob.open()
            if form.pending_size >= _WRITE_BATCH:
                await blob.write(form.take_pending())
        if not form.finished:
            raise MalformedUploadError("The multipart body ended before its closing boundary.")
        if not form.file_started:
            raise InvalidRequestError(
                "The form has no `file` field.",
                errors=[field_error(["body", FILE_FIELD], "Field required", "missing")],
            )
        title = _title(form)
        await blob.write(form.take_pending())
        sha256 = await blob.commit()
    except BaseException:
        blob.discard()
        raise
    return ReceivedFile(
        key=key,
        filename=form.filename,
        content_type=form.file_content_type,
        size_bytes=form.file_size,
        sha256=sha256,
        title=title,
    )
