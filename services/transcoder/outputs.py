"""Written renditions: read back, reused, hashed, and what killed attempts leave behind."""

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from services.common.media import MediaError, MediaLimits, container_duration, open_untrusted
from services.transcoder.plan import RenditionPlan

logger = logging.getLogger(__name__)

DURATION_TOLERANCE_SECONDS = 0.1
"""How far an output's duration may be from the source's (an AAC frame is 21 ms)."""
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class OutputInfo:
    """A written rendition, as read back from the file."""

    duration: float
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None


def describe_output(path: Path, limits: MediaLimits) -> OutputInfo:
    """Read back a written rendition's duration, size and codecs."""
    with open_untrusted(path, limits) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        return OutputInfo(
            duration=container_duration(container) or 0.0,
            width=video.codec_context.width if video else None,
            height=video.codec_context.height if video else None,
            video_codec=video.codec_context.name if video else None,
            audio_codec=audio.codec_context.name if audio else None,
        )


def reusable_output(target: Path, plan: RenditionPlan, limits: MediaLimits) -> OutputInfo | None:
    """The output an earlier attempt renamed into place, if it matches this plan."""
    if not target.is_file():
        return None
    try:
        info = describe_output(target, limits)
    except MediaError:
        logger.warning("existing output %s is unreadable; encoding it again", target.name)
        return None
    expected_size = (plan.video.width, plan.video.height) if plan.video else (None, None)
    matches = (
        (info.width, info.height) == expected_size
        and (info.audio_codec is not None) == (plan.audio_index is not None)
        and (
            plan.duration is None
            or abs(info.duration - plan.duration) <= DURATION_TOLERANCE_SECONDS
        )
    )
    if not matches:
        logger.warning(
            "existing output %s does not match the source; encoding it again", target.name
        )
        return None
    return info


def discard_abandoned_partials(target: Path) -> None:
    # A worker killed mid-job leaves its staged file (named by `LocalBlobStore.staged_file`)
    # behind; this delivery now owns the job, so those bytes will never be finished.
    for partial in target.parent.glob(f".{target.name}.*.partial"):
        logger.info("removing abandoned partial output %s", partial.name)
        partial.unlink(missing_ok=True)


def sync_and_hash(path: Path) -> str:
    with path.open("rb+") as file:
        os.fsync(file.fileno())
    return sha256(path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
