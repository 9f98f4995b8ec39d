"""Blob keys: where each kind of blob lives, and which keys are acceptable.

A key is a relative POSIX path of non-empty segments, none of them `.` or `..` and
none starting with a dot (dot names are reserved for a store's own staging files).
Both backends refuse any other key the same way, so a key that works on disk works
on a bucket and cannot escape either.
"""

import mimetypes
from pathlib import PurePosixPath
from uuid import UUID

from services.common.blobs.errors import InvalidBlobKeyError

MAX_KEY_LENGTH = 1024
"""S3's limit on an object key, in UTF-8 bytes."""

_CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".vtt": "text/vtt",
    ".json": "application/json",
}


def source_key(owner_id: UUID, video_id: UUID) -> str:
    """Where an upload's original file is stored."""
    return f"videos/{owner_id}/{video_id}/source"


def output_key(owner_id: UUID, video_id: UUID, job_kind: str, name: str) -> str:
    """Where a job's output file is stored."""
    return f"videos/{owner_id}/{video_id}/{job_kind}/{name}"


def video_prefix(owner_id: UUID, video_id: UUID) -> str:
    """The folder holding every blob of one video (its source and all outputs)."""
    return f"videos/{owner_id}/{video_id}"


def check_key(key: str) -> str:
    """Return `key` if it is acceptable; raise `InvalidBlobKeyError` otherwise."""
    pure = PurePosixPath(key)
    if (
        not key
        or str(pure) != key
        or pure.is_absolute()
        or len(key.encode()) > MAX_KEY_LENGTH
        or "\\" in key
        or any(part in ("", ".", "..") or part.startswith(".") for part in pure.parts)
        or any(not ch.isprintable() for ch in key)
    ):
        raise InvalidBlobKeyError(f"invalid blob key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A folder of keys (`videos/<owner>/<video>`); one trailing slash is tolerated."""
    return check_key(prefix.removesuffix("/"))


def join_key(prefix: str, name: str) -> str:
    """`prefix/name`, both checked."""
    return check_key(f"{check_prefix(prefix)}/{name}")


def guess_content_type(key: str) -> str:
    """The media type of a blob from its name (HLS, MP4, images...), else octet-stream."""
    suffix = PurePosixPath(key).suffix.lower()
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
