"""The REST API as the CLI uses it: typed answers, and problems as `ApiError`."""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Self, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from contracts.enums import ProcessingStatus
from contracts.rest import (
    MeResponseSchema,
    VideoJobListResponseSchema,
    VideoJobResponseSchema,
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
        return cls.from_content(response.status_code, response.content, response.reason_phrase)

    @classmethod
    def from_content(cls, status: int, content: bytes, reason: str | None = None) -> "ApiError":
        """The same, from a status and a body received by another HTTP client."""
        title = reason or _reason_phrase(status)
        text = content.decode(errors="replace")
        try:
            body = json.loads(text)
        except ValueError:
            return cls(status, title, text.strip()[:500] or None)
        if not isinstance(body, dict):
            return cls(status, title, str(body)[:500])
        detail = body.get("detail")
        return cls(
            status=status,
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

    def delete_video(self, video_id: UUID) -> None:
        """`DELETE /api/videos/{id}`: the video, its files, and its unfinished jobs cancelled."""
        response = self._http.delete(f"/api/videos/{video_id}")
        if not response.is_success:
            raise ApiError.from_response(response)

    def cancel_job(self, job_id: UUID) -> VideoJobResponseSchema:
        """`POST /api/video-processing-jobs/{id}/cancel`: a pending or processing job."""
        response = self._http.post(f"/api/video-processing-jobs/{job_id}/cancel")
        return _parse(response, VideoJobResponseSchema)

    def retry_job(self, job_id: UUID) -> VideoJobResponseSchema:
        """`POST /api/video-processing-jobs/{id}/retry`: a failed, retriable job."""
        response = self._http.post(f"/api/video-processing-jobs/{job_id}/retry")
        return _parse(response, VideoJobResponseSchema)

    def me(self) -> MeResponseSchema:
        """`GET /api/me`: who the token names, and their usage against the quota."""
        return _parse(self._http.get("/api/me"), MeResponseSchema)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


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
