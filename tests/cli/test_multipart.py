"""The streaming multipart encoder: what it yields parses back to the same bytes, in
bounded chunks, and its declared length is exact."""

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from python_multipart.multipart import MultipartParser, parse_options_header

from services.cli.multipart import FileChangedError, MultipartFile

CHUNK = 64 * 1024


@dataclass
class Part:
    headers: dict[str, bytes] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)

    @property
    def disposition(self) -> dict[bytes, bytes]:
        _, options = parse_options_header(self.headers["content-disposition"])
        return options


class PartCollector:
    """Feeds body chunks to python-multipart's streaming parser, keeping each part."""

    def __init__(self, boundary: str) -> None:
        self.parts: list[Part] = []
        self.ended = False
        self._field = b""
        self._value = b""
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": lambda: self.parts.append(Part()),
                "on_header_field": self._on_field,
                "on_header_value": self._on_value,
                "on_header_end": self._on_header_end,
                "on_part_data": self._on_data,
                "on_end": self._on_end,
            },
        )

    def _on_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _on_header_end(self) -> None:
        self.parts[-1].headers[self._field.decode().lower()] = self._value
        self._field = self._value = b""

    def _on_data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1].data += data[start:end]

    def _on_end(self) -> None:
        self.ended = True


def random_file(path: Path, size: int) -> Path:
    path.write_bytes(random.Random(size).randbytes(size))
    return path


@pytest.mark.parametrize("size", [0, 1, CHUNK, 5 * 1024 * 1024 + 123])
def test_body_parses_back_to_the_same_file(tmp_path: Path, size: int) -> None:
    source = random_file(tmp_path / "clip één.mp4", size)
    body = MultipartFile.of(source, {"title": "Holiday — day 1"})
    collector = PartCollector(body.boundary)

    sent = 0
    chunks = 0
    for chunk in body.chunks(chunk_size=CHUNK):
        assert len(chunk) <= max(CHUNK, len(body.boundary) + 512)
        collector.parser.write(chunk)
        sent += len(chunk)
        chunks += 1
    collector.parser.finalize()

    assert sent == body.content_length
    assert chunks >= 2 + size // CHUNK
    assert collector.ended
    title, upload = collector.parts
    assert title.disposition == {b"name": b"title"}
    assert title.data.decode() == "Holiday — day 1"
    assert upload.disposition == {b"name": b"file", b"filename": "clip één.mp4".encode()}
    assert upload.headers["content-type"] == b"video/mp4"
    assert hashlib.sha256(upload.data).digest() == hashlib.sha256(source.read_bytes()).digest()


def test_progress_reports_every_byte(tmp_path: Path) -> None:
    body = MultipartFile.of(random_file(tmp_path / "a.bin", 300_000))
    reported: list[int] = []
    total = sum(len(chunk) for chunk in body.chunks(chunk_size=CHUNK, on_sent=reported.append))
    assert sum(reported) == total == body.content_length
    assert body.file_content_type == "application/octet-stream"


def test_names_are_escaped_as_browsers_do(tmp_path: Path) -> None:
    source = random_file(tmp_path / 'a "quoted" name.mp4', 10)
    body = MultipartFile.of(source)
    head = next(iter(body.chunks()))
    assert b'filename="a %22quoted%22 name.mp4"' in head


def test_a_file_that_changes_size_is_refused(tmp_path: Path) -> None:
    source = random_file(tmp_path / "growing.mp4", 1000)
    body = MultipartFile.of(source)
    source.write_bytes(b"x" * 2000)
    with pytest.raises(FileChangedError, match="grew"):
        b"".join(body.chunks())
    source.write_bytes(b"x" * 10)
    with pytest.raises(FileChangedError, match="shrank"):
        b"".join(body.chunks())
