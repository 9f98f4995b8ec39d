"""The REST API as the CLI uses it: typed answers, and problems as `ApiError`."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Self, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from contracts.enums import ProcessingStatus
from contracts.rest import (
    VideoJobListResponseSchema,
    VideoListResponseSchema,
    VideoUploadResponseSchema,
    VideoWithJobsResponseSchema,
)
from services.cli.multipart import MultipartFile

_M = TypeVar("_M", bound=BaseModel)

# Uploads may be slow to write and the gateway hashes before answering: be patient.
TIMEOUT = httpx.Timeout(30.0, connect=10.0, write=120.0, read=300.0)


@dataclass
class ApiError(Exception):
    """A request failed; problem details when the server sent them."""

    status: int
    title: str
    detail: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        text = f"{self.status} {self.title}"
        if self.code:
            text += f" [{self.code}]"
        return f"{text}: {self.detail}" if self.detail else text

    @classmethod
    def from_response(cls, response: httpx.Response) -> "ApiError":
        """Read RFC 9457 problem details, or FastAPI's `{"detail": ...}`, or the raw text."""
        title = response.reason_phrase or "Error"
        try:
            body = response.json()
        except ValueError:
            return cls(response.status_code, title, response.text.strip()[:500] or None)
        if not isinstance(body, dict):
            return cls(response.status_code, title, str(body)[:500])
        detail = body.get("detail")
        return cls(
            status=response.status_code,
            title=str(body.get("title") or title),
            detail=detail if isinstance(detail, str) or detail is None else str(detail),
            code=str(body["code"]) if body.get("code") else None,
        )


class EchoApi:
    """A session with the gateway's REST API."""

    def __init__(self, base_url: str, token: str, *, timeout: httpx.Timeout = TIMEOUT) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def upload(
        self, body: MultipartFile, on_sent: Callable[[int], None] | None = None
    ) -> VideoUploadResponseSchema:
        """`POST /api/videos`, streaming the body from disk with an exact Content-Length."""
        response = self._http.post(
            "/api/videos",
            content=body.chunks(on_sent=on_sent),
            headers={
                "Content-Type": body.content_type,
                "Content-Length": str(body.content_length),
            },
        )
        return _parse(response, VideoUploadResponseSchema)

    def videos(self, cursor: str | None = None) -> VideoListResponseSchema:
        """`GET /api/videos`: a page of the user's videos, newest first."""
        params = {"cursor": cursor} if cursor else None
        return _parse(self._http.get("/api/videos", params=params), VideoListResponseSchema)

    def video(self, video_id: UUID) -> VideoWithJobsResponseSchema:
        """`GET /api/videos/{id}`: one video with its jobs, metadata and renditions."""
        return _parse(self._http.get(f"/api/videos/{video_id}"), VideoWithJobsResponseSchema)

    def jobs(
        self, statuses: Sequence[ProcessingStatus] = (), cursor: str | None = None
    ) -> VideoJobListResponseSchema:
        """`GET /api/video-processing-jobs`: a page of the user's jobs, optionally by status."""
        params: dict[str, str | list[str]] = {"status": [status.value for status in statuses]}
        if cursor:
            params["cursor"] = cursor
        response = self._http.get("/api/video-processing-jobs", params=params)
        return _parse(response, VideoJobListResponseSchema)


def _parse(response: httpx.Response, model: type[_M]) -> _M:
    if not response.is_success:
        raise ApiError.from_response(response)
    try:
        return model.model_validate_json(response.content)
    except ValidationError as error:
        raise ApiError(
            response.status_code,
            "Unexpected response",
            f"the server's answer is not a {model.__name__}: {error.error_count()} errors",
        ) from error
