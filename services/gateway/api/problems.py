"""The gateway's error tree, answered as RFC 9457 problems with a `ProblemCode`.

Handlers raise an `ApiError` subclass; one exception handler answers it through
`services.common.problems.problem_response`, the same shape every service uses.
Validation errors, unknown routes and wrong methods are handled by
`install_problem_handlers`; an unreachable database is `database_unavailable`.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, cast

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from contracts.problems import ProblemCode
from contracts.rest import ProblemDetails
from services.common.problems import (
    PROBLEM_JSON,
    field_error,
    install_problem_handlers,
    problem_response,
)

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Base of every error the API answers with; subclasses fix status, code and title."""

    status: ClassVar[int] = 500
    code: ClassVar[ProblemCode] = ProblemCode.INTERNAL_ERROR
    title: ClassVar[str] = "Internal server error"
    other_codes: ClassVar[tuple[ProblemCode, ...]] = ()
    """Further codes an instance can carry (documented in OpenAPI)."""

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, object]] | None = None,
        headers: Mapping[str, str] | None = None,
        code: ProblemCode | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})
        self.problem_code = code or self.code


class MalformedUploadError(ApiError):
    status = 400
    code = ProblemCode.MALFORMED_UPLOAD
    title = "Malformed upload"


class NotAuthenticatedError(ApiError):
    """No token (`not_authenticated`), or one that is bad (`invalid_token`) or expired."""

    status = 401
    code = ProblemCode.NOT_AUTHENTICATED
    title = "Authentication required"
    other_codes = (ProblemCode.INVALID_TOKEN, ProblemCode.TOKEN_EXPIRED)

    def __init__(self, detail: str, *, code: ProblemCode = ProblemCode.NOT_AUTHENTICATED) -> None:
        challenge = "Bearer" if code is ProblemCode.NOT_AUTHENTICATED else f'Bearer error="{code}"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge}, code=code)


class VideoNotFoundError(ApiError):
    status = 404
    code = ProblemCode.VIDEO_NOT_FOUND
    title = "Video not found"


class JobNotFoundError(ApiError):
    status = 404
    code = ProblemCode.JOB_NOT_FOUND
    title = "Processing job not found"


class RenditionNotFoundError(ApiError):
    status = 404
    code = ProblemCode.RENDITION_NOT_FOUND
    title = "Rendition not found"


class PosterNotFoundError(ApiError):
    status = 404
    code = ProblemCode.POSTER_NOT_FOUND
    title = "Poster not found"


class UploadTooLargeError(ApiError):
    status = 413
    code = ProblemCode.UPLOAD_TOO_LARGE
    title = "Upload too large"


class QuotaExceededError(ApiError):
    status = 413
    code = ProblemCode.QUOTA_EXCEEDED
    title = "Storage quota exceeded"


class NotMediaError(ApiError):
    """The upload is not audio or video (its bytes are removed before this is raised)."""

    status = 422
    code = ProblemCode.NOT_MEDIA
    title = "Not an audio or video file"
    other_codes = (ProblemCode.MEDIA_LIMIT_EXCEEDED,)


class UploadNotFoundError(ApiError):
    status = 404
    code = ProblemCode.UPLOAD_NOT_FOUND
    title = "Upload not found"


class UploadExpiredError(ApiError):
    status = 410
    code = ProblemCode.UPLOAD_EXPIRED
    title = "Upload expired"


class OffsetMismatchError(ApiError):
    status = 409
    code = ProblemCode.UPLOAD_OFFSET_MISMATCH
    title = "Upload offset mismatch"


class UploadBusyError(ApiError):
    status = 423
    code = ProblemCode.UPLOAD_BUSY
    title = "Upload busy"


class ChecksumMismatchError(ApiError):
    status = 460  # tus 1.0 checksum extension
    code = ProblemCode.CHECKSUM_MISMATCH
    title = "Checksum mismatch"


class TusRequestError(ApiError):
    """A tus request the protocol does not allow (bad headers, unsupported checksum)."""

    status = 400
    code = ProblemCode.MALFORMED_UPLOAD
    title = "Bad resumable-upload request"
    other_codes = (ProblemCode.UNSUPPORTED_CHECKSUM,)


class TusVersionError(ApiError):
    status = 412
    code = ProblemCode.UNSUPPORTED_TUS_VERSION
    title = "Unsupported tus version"


class SignatureInvalidError(ApiError):
    status = 403
    code = ProblemCode.SIGNATURE_INVALID
    title = "Invalid playback URL"
    other_codes = (ProblemCode.URL_EXPIRED,)


class MediaFileNotFoundError(ApiError):
    status = 404
    code = ProblemCode.FILE_NOT_FOUND
    title = "File not found"


class RangeNotSatisfiableError(ApiError):
    status = 416
    code = ProblemCode.RANGE_NOT_SATISFIABLE
    title = "Range not satisfiable"


class JobNotCancellableError(ApiError):
    status = 409
    code = ProblemCode.JOB_NOT_CANCELLABLE
    title = "Job cannot be cancelled"


class JobNotRetriableError(ApiError):
    status = 409
    code = ProblemCode.JOB_NOT_RETRIABLE
    title = "Job cannot be retried"


class UnsupportedMediaTypeError(ApiError):
    status = 415
    code = ProblemCode.UNSUPPORTED_MEDIA_TYPE
    title = "Unsupported request media type"


class InvalidRequestError(ApiError):
    status = 422
    code = ProblemCode.INVALID_REQUEST
    title = "Invalid request"


class DatabaseUnavailableError(ApiError):
    status = 503
    code = ProblemCode.DATABASE_UNAVAILABLE
    title = "Service unavailable"


class NotReadyError(ApiError):
    status = 503
    code = ProblemCode.NOT_READY
    title = "Not ready"


# What any authenticated route can answer besides its own errors.
COMMON_ERRORS: tuple[type[ApiError], ...] = (
    NotAuthenticatedError,
    InvalidRequestError,
    DatabaseUnavailableError,
)


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return problem_response(
        error.status,
        error.problem_code,
        error.detail,
        title=error.title,
        instance=request.url.path,
        errors=error.errors,
        headers=error.headers,
    )


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.error("database unavailable: %s", type(error).__name__)
    return problem_response(
        DatabaseUnavailableError.status,
        DatabaseUnavailableError.code,
        "The database cannot be reached; try again shortly.",
        title=DatabaseUnavailableError.title,
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


_HttpHandler = Callable[[Request, Exception], Awaitable[Response]]


def _unreadable_body_first(shared: _HttpHandler) -> _HttpHandler:
    """FastAPI answers a body it could not even decode (e.g. not UTF-8) with a bare 400;
    it gets the answer a body that is not JSON gets (422 `invalid_request`). Every other
    HTTP error goes to the shared handler."""

    async def handle(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code != 400:
            return await shared(request, error)
        return problem_response(
            InvalidRequestError.status,
            InvalidRequestError.code,
            "The body could not be read; send UTF-8 JSON.",
            title=InvalidRequestError.title,
            instance=request.url.path,
            errors=[field_error(["body"], "Unreadable body.", "body_unreadable")],
        )

    return handle


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the API can meet to problem details."""
    install_problem_handlers(app)
    shared = cast(_HttpHandler, app.exception_handlers[StarletteHTTPException])
    app.add_exception_handler(StarletteHTTPException, _unreadable_body_first(shared))
    app.add_exception_handler(ApiError, _api_error)
    # PoolTimeout (no connection to be had) is an OperationalError too.
    app.add_exception_handler(psycopg.OperationalError, _database_unavailable)


def problem_responses(*errors: type[ApiError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the problem details a route can answer with."""
    responses: dict[int | str, dict[str, Any]] = {}
    codes: dict[int, list[str]] = {}
    for error in errors:
        responses.setdefault(error.status, {"model": ProblemDetails, "description": error.title})
        codes.setdefault(error.status, []).extend([error.code, *error.other_codes])
    for status, entry in responses.items():
        entry["description"] += f" (`code`: {', '.join(codes[int(status)])})"
    return responses


def use_problem_media_type(schema: dict[str, Any]) -> dict[str, Any]:
    """Document error responses under `application/problem+json`, as they are sent."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in ("4", "5") and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return schema
