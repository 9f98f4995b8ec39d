"""Serving one of a video's files to its owner (authenticated download routes)."""

import asyncio
import mimetypes

from fastapi.responses import FileResponse
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable

from services.common.blobs import InvalidBlobKeyError, LocalBlobStore
from services.gateway.api.problems import ApiError, RangeNotSatisfiableError
from services.gateway.db.records import VideoRecord
from services.gateway.storage import video_prefix


def check_range(requested: str | None, size: int) -> None:
    """A `416` problem for a range outside the file (Starlette's own answer is plain text)."""
    if requested is None:
        return
    try:
        FileResponse._parse_range_header(requested, size)
    except (MalformedRangeHeader, RangeNotSatisfiable) as error:
        raise RangeNotSatisfiableError(
            f"The file has {size} bytes; the range {requested!r} is not in it.",
            headers={"Content-Range": f"bytes */{size}"},
        ) from error


async def serve_blob(
    store: LocalBlobStore,
    video: VideoRecord,
    key: str,
    media_type: str | None,
    filename: str,
    missing: ApiError,
    requested_range: str | None = None,
) -> FileResponse:
    """Serve one of the video's blobs; keys outside the video's own prefix are refused."""
    if not key.startswith(video_prefix(video.owner_id, video.id) + "/"):
        raise missing
    try:
        path = store.path(key)
    except InvalidBlobKeyError as error:
        raise missing from error
    if not await asyncio.to_thread(path.is_file):
        raise missing
    stat = await asyncio.to_thread(path.stat)
    check_range(requested_range, stat.st_size)
    return FileResponse(
        path,
        stat_result=stat,
        media_type=media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        filename=filename,
        content_disposition_type="inline",
        headers={"Cache-Control": "private, max-age=300"},
    )
