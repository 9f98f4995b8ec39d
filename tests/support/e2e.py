"""A small client of the running platform, as a frontend uses it: upload over REST, and
follow the live updates (`job.status`, `job.progress`) one WebSocket connection receives
(the notifier's other messages, such as snapshot markers, are read and set aside)."""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

import httpx
from pydantic import TypeAdapter
from websockets.asyncio.client import ClientConnection, connect

from contracts import (
    JobProgressUpdate,
    JobStatusUpdate,
    ProcessingStatus,
    VideoUploadResponseSchema,
    VideoWithJobsResponseSchema,
)
from contracts.live import LiveMessage, ServerMessage

_LIVE = TypeAdapter[ServerMessage](LiveMessage)


@dataclass
class LiveWatcher:
    """Collects what one WebSocket connection to the notifier receives, by type."""

    connection: ClientConnection
    updates: list[JobStatusUpdate] = field(default_factory=list)
    progress: list[JobProgressUpdate] = field(default_factory=list)

    async def _receive(self) -> ServerMessage:
        message = _LIVE.validate_json(await self.connection.recv())
        if isinstance(message, JobStatusUpdate):
            self.updates.append(message)
        elif isinstance(message, JobProgressUpdate):
            self.progress.append(message)
        return message

    async def until_terminal(self, job_ids: Iterable[UUID], within: float) -> None:
        """Read until every job in `job_ids` is recorded completed or failed."""
        pending = set(job_ids) - {u.job_id for u in self.updates if u.status.is_terminal}

        async def read() -> None:
            while pending:
                update = await self._receive()
                if isinstance(update, JobStatusUpdate) and update.status.is_terminal:
                    pending.discard(update.job_id)

        await asyncio.wait_for(read(), within)

    async def until_progress(self, job_id: UUID, within: float) -> JobProgressUpdate:
        """Read until the job reports progress past 0 %: a worker is busy with it."""

        async def read() -> JobProgressUpdate:
            while True:
                update = await self._receive()
                if (
                    isinstance(update, JobProgressUpdate)
                    and update.job_id == job_id
                    and update.progress > 0
                ):
                    return update

        return await asyncio.wait_for(read(), within)

    def statuses(self, job_id: UUID) -> list[ProcessingStatus]:
        """The distinct recorded statuses of a job, in order."""
        seen: list[ProcessingStatus] = []
        for update in self.updates:
            if update.job_id == job_id and (not seen or seen[-1] != update.status):
                seen.append(update.status)
        return seen


def ws_url(notifier_url: str, token: str) -> str:
    return notifier_url.replace("http://", "ws://") + f"/ws/jobs?access_token={token}"


async def open_watcher(notifier_url: str, token: str) -> LiveWatcher:
    return LiveWatcher(await connect(ws_url(notifier_url, token)))


async def upload(
    api: httpx.AsyncClient, path: Path, token: str, title: str | None = None
) -> VideoUploadResponseSchema:
    with path.open("rb") as file:
        response = await api.post(
            "/api/videos",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (path.name, file, "application/octet-stream")},
            data={"title": title} if title else None,
        )
    assert response.status_code == 201, response.text
    return VideoUploadResponseSchema.model_validate_json(response.text)


async def get_video(
    api: httpx.AsyncClient, video_id: UUID, token: str
) -> VideoWithJobsResponseSchema:
    response = await api.get(
        f"/api/videos/{video_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return VideoWithJobsResponseSchema.model_validate_json(response.text)


async def process(
    api: httpx.AsyncClient, notifier_url: str, path: Path, token: str, within: float
) -> tuple[VideoUploadResponseSchema, VideoWithJobsResponseSchema, LiveWatcher]:
    """Upload a file, follow its jobs live until they end, and read the video back."""
    watcher = await open_watcher(notifier_url, token)
    try:
        uploaded = await upload(api, path, token)
        await watcher.until_terminal([job.id for job in uploaded.jobs], within=within)
    finally:
        await watcher.connection.close()
    return uploaded, await get_video(api, uploaded.video.id, token), watcher


def stored_ladder(blob_root: Path, video_id: UUID) -> Path:
    """The folder of a video's HLS ladder in the platform's blob storage (read directly:
    the gateway's REST views do not name the master playlist yet)."""
    (master,) = blob_root.glob(f"videos/*/{video_id}/transcode/hls/master.m3u8")
    return master.parent


def staged_leftovers(blob_root: Path) -> list[Path]:
    """Staged or half-replaced outputs (the kit's `.partial`, the ladder's `.staging`,
    an earlier ladder moved aside) anywhere in blob storage."""
    suffixes = (".partial", ".staging", ".old")
    return [path for path in blob_root.rglob("*") if path.name.endswith(suffixes)]
