"""Early validation: is an upload (or the first bytes of one) audio or video?

The bytes are opened with the workers' hardened opener (`open_untrusted`: demuxer,
protocol and codec whitelists, stream, picture and duration limits), so a file the
gateway lets through is one the workers will at least open.
"""

import asyncio
from pathlib import Path

from contracts.enums import JobErrorCode
from contracts.problems import ProblemCode
from services.common.media.limits import MediaError, MediaLimits
from services.common.media.opener import open_untrusted
from services.gateway.api.problems import NotMediaError


def _is_media(path: Path, limits: MediaLimits, complete: bool) -> bool:
    try:
        with open_untrusted(path, limits) as container:
            if not (container.streams.video or container.streams.audio):
                raise MediaError(JobErrorCode.NOT_MEDIA, "The file has no audio or video stream.")
    except MediaError as error:
        # A known container cut short is what an unfinished upload looks like (an MP4
        # whose index comes last): the answer waits for the whole file.
        if not complete and error.error.code is JobErrorCode.DAMAGED_MEDIA:
            return False
        raise
    return True


async def check_media(path: Path, limits: MediaLimits, *, complete: bool) -> bool:
    """True when the bytes are audio or video within limits; False when a partial file
    cannot tell yet. Raises `NotMediaError` when it is not (the caller removes the bytes)."""
    try:
        return await asyncio.to_thread(_is_media, path, limits, complete)
    except MediaError as error:
        code = (
            ProblemCode.MEDIA_LIMIT_EXCEEDED
            if error.error.code is JobErrorCode.LIMIT_EXCEEDED
            else ProblemCode.NOT_MEDIA
        )
        raise NotMediaError(error.error.message, code=code) from error
