"""The gateway's error tree and its mapping to RFC 9457 problem details.

Handlers raise an `ApiError` subclass; one exception handler turns it into an
`application/problem+json` response with a machine-readable `code`. Validation
errors, unknown routes and an unreachable database get the same shape.
"""

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.rest import ProblemDetails

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ApiError(Exception):
    """Base of every error the API answers with; subclasses fix status, code and title."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal server error"
    other_codes: ClassVar[tuple[str, ...]] = ()
    """Further `code` values this error can carry (documented in OpenAPI)."""

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, object]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})


class MalformedUploadError(ApiError):
    status = 400
    code = "malformed_upload"
    title = "Malformed upload"


class NotAuthenticatedError(ApiError):
    status = 401
    code = "not_authenticated"
    title = "Authentication required"
    other_codes = ("invalid_token", "token_expired")

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        error = "invalid_token" if code else None
        challenge = f'Bearer error="{error}"' if error else "Bearer"
        super().__init__(detail, headers={"WWW-Authenticate": challenge})
        self.specific_code = code


class VideoNotFoundError(ApiError):
    status = 404
    code = "video_not_found"
    title = "Video not found"


class JobNotFoundError(ApiError):
    status = 404
    code = "job_not_found"
    title = "Processing job not found"


class RenditionNotFoundError(ApiError):
    status = 404
    code = "rendition_not_found"
    title = "Rendition not found"


class PosterNotFoundError(ApiError):
    status = 404
    code = "poster_not_found"
    title = "Poster not found"


class UploadTooLargeError(ApiError):
    status = 413
    code = "upload_too_large"
    title = "Upload too large"


class UnsupportedMediaTypeError(ApiError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported request media type"


class InvalidRequestError(ApiError):
    status = 422
    code = "validation_error"
    title = "Invalid request"


class ServiceUnavailableError(ApiError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"


class DatabaseUnavailableError(ServiceUnavailableError):
    code = "database_unavailable"


class NotReadyError(ServiceUnavailableError):
    code = "not_ready"
    title = "Not ready"


# What any authenticated route can answer besides its own errors.
COMMON_ERRORS: tuple[type[ApiError], ...] = (
    NotAuthenticatedError,
    InvalidRequestError,
    DatabaseUnavailableError,
)


def field_error(location: Sequence[str | int], message: str, kind: str) -> dict[str, object]:
    """One entry of `ProblemDetails.errors`, shaped like FastAPI's own."""
    return {"loc": list(location), "msg": message, "type": kind}


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, object]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem-details response for `request`."""
    problem = ProblemDetails(
        title=title,
        status=status,
        code=code,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    code = getattr(error, "specific_code", None) or error.code
    return problem_response(
        request,
        status=error.status,
        code=code,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
        headers=error.headers,
    )


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        field_error(
            [part if isinstance(part, int) else str(part) for part in item["loc"]],
            str(item["msg"]),
            str(item["type"]),
        )
        for item in error.errors()
    ]
    return problem_response(
        request,
        status=InvalidRequestError.status,
        code=InvalidRequestError.code,
        title=InvalidRequestError.title,
        detail="The request is not valid; see `errors`.",
        errors=errors,
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    phrase = HTTPStatus(error.status_code).phrase
    return problem_response(
        request,
        status=error.status_code,
        code=phrase.lower().replace(" ", "_").replace("-", "_"),
        title=phrase,
        detail=error.detail if isinstance(error.detail, str) else None,
        headers=error.headers,
    )


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.error("database unavailable: %s", type(error).__name__)
    return problem_response(
        request,
        status=DatabaseUnavailableError.status,
        code=DatabaseUnavailableError.code,
        title=DatabaseUnavailableError.title,
        detail="The database cannot be reached; try again shortly.",
        headers={"Retry-After": "5"},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the API can meet to problem details."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # PoolTimeout (no connection to be had) is an OperationalError too.
    app.add_exception_handler(psycopg.OperationalError, _database_unavailable)


def problem_responses(*errors: type[ApiError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the problem details a route can answer with."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = responses.setdefault(
            error.status, {"model": ProblemDetails, "description": error.title, "codes": []}
        )
        entry["codes"] += [error.code, *error.other_codes]
    for entry in responses.values():
        entry["description"] = f"{entry['description']} (`code`: {', '.join(entry.pop('codes'))})"
    return responses


def use_problem_media_type(schema: dict[str, Any]) -> dict[str, Any]:
    """Document error responses under `application/problem+json`, as they are sent."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in ("4", "5") and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return schema
