"""A `multipart/form-data` body streamed from disk, with its exact length known upfront.

The body is produced chunk by chunk (framing, then the file in `chunk_size` reads,
then the closing boundary), so uploading a file of any size uses constant memory,
and `Content-Length` is sent instead of chunked transfer encoding.
"""

import mimetypes
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_SIZE = 1024 * 1024
CRLF = b"\r\n"


class FileChangedError(Exception):
    """The file's size changed while it was being sent, so the declared length is wrong."""


def _quote(value: str) -> str:
    # As browsers do (WHATWG multipart/form-data): escape quote, CR and LF in names.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _part_header(name: str, filename: str | None = None, content_type: str | None = None) -> bytes:
    disposition = f'form-data; name="{_quote(name)}"'
    if filename is not None:
        disposition += f'; filename="{_quote(filename)}"'
    lines = [f"Content-Disposition: {disposition}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass(frozen=True)
class MultipartFile:
    """Text fields, then one file, as a multipart body read lazily from disk."""

    path: Path
    filename: str
    file_content_type: str
    file_size: int
    fields: dict[str, str] = field(default_factory=dict)
    file_field: str = "file"
    boundary: str = field(default_factory=lambda: f"echoctl-{secrets.token_hex(16)}")

    @classmethod
    def of(cls, path: Path, fields: dict[str, str] | None = None) -> "MultipartFile":
        """The body uploading `path` (its size taken now) after `fields`."""
        guessed, _ = mimetypes.guess_type(path.name)
        return cls(
            path=path,
            fields=dict(fields or {}),
            filename=path.name,
            file_content_type=guessed or "application/octet-stream",
            file_size=path.stat().st_size,
        )

    @property
    def content_type(self) -> str:
        """The request's `Content-Type` header."""
        return f"multipart/form-data; boundary={self.boundary}"

    def _head(self) -> bytes:
        delimiter = f"--{self.boundary}\r\n".encode()
        parts = [
            delimiter + _part_header(name) + value.encode() + CRLF
            for name, value in self.fields.items()
        ]
        parts.append(
            delimiter + _part_header(self.file_field, self.filename, self.file_content_type)
        )
        return b"".join(parts)

    def _tail(self) -> bytes:
        return CRLF + f"--{self.boundary}--\r\n".encode()

    @property
    def content_length(self) -> int:
        """The exact size of the body in bytes."""
        return len(self._head()) + self.file_size + len(self._tail())

    def chunks(
        self, chunk_size: int = CHUNK_SIZE, on_sent: Callable[[int], None] | None = None
    ) -> Iterator[bytes]:
        """The body, in pieces of at most `chunk_size` bytes of file data.

        `on_sent(n)` is called as each piece is handed on, for progress reporting.
        """
        report = on_sent or (lambda _: None)
        head = self._head()
        yield head
        report(len(head))
        remaining = self.file_size
        with self.path.open("rb") as file:
            while remaining > 0:
                chunk = file.read(min(chunk_size, remaining))
                if not chunk:
                    raise FileChangedError(f"{self.path} shrank while it was being uploaded")
                remaining -= len(chunk)
                yield chunk
                report(len(chunk))
            if file.read(1):
                raise FileChangedError(f"{self.path} grew while it was being uploaded")
        tail = self._tail()
        yield tail
        report(len(tail))
