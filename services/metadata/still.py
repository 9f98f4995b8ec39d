"""Still images uploaded as videos: recognised and refused with words that say so.

A PNG or JPEG never reaches a decoder (the opener's demuxer whitelist refuses
image formats), but its refusal should name what the file is. A container with
a single picture (a one-frame GIF, MP4 or MKV) opens fine and is refused by the
probe, so no job "completes" a one-frame video by accident.
"""

from pathlib import Path

from contracts.enums import JobErrorCode
from services.common.media import MediaError

_IMAGE_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (0, b"\xff\xd8\xff", "JPEG"),
    (8, b"WEBP", "WebP"),
    (0, b"BM", "BMP"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypavif", "AVIF"),
)


def image_kind(path: Path) -> str | None:
    """The still-image format a file's first bytes announce, if any."""
    with path.open("rb") as file:
        head = file.read(16)
    for offset, magic, name in _IMAGE_SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def still_image_error(kind: str) -> MediaError:
    """The refusal of a still image (`kind` names its format, e.g. `PNG`)."""
    return MediaError(
        JobErrorCode.NOT_MEDIA,
        f"This file is a still image ({kind}), not a video: it has a single picture and "
        "nothing to play. Upload a video file (for example MP4, MOV, MKV, WebM).",
    )
