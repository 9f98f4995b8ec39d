"""RFC 9457 problem responses, the same for every HTTP service (gateway and notifier).

Codes come from `contracts.problems.ProblemCode`; the title is the HTTP status's phrase
unless a more specific one is given. `install_problem_handlers` maps the errors every
Starlette/FastAPI app meets (validation, unknown route, wrong method) to problems.
"""

from collections.abc import Mapping, Sequence
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from contracts.problems import ProblemCode
from contracts.rest import ProblemDetails

PROBLEM_JSON = "application/problem+json"

_HTTP_CODES: dict[int, ProblemCode] = {
    400: ProblemCode.INVALID_REQUEST,
    401: ProblemCode.NOT_AUTHENTICATED,
    404: ProblemCode.NOT_FOUND,
    405: ProblemCode.METHOD_NOT_ALLOWED,
    413: ProblemCode.UPLOAD_TOO_LARGE,
    415: ProblemCode.UNSUPPORTED_MEDIA_TYPE,
    416: ProblemCode.RANGE_NOT_SATISFIABLE,
    422: ProblemCode.INVALID_REQUEST,
    503: ProblemCode.NOT_READY,
}


def field_error(location: Sequence[str | int], message: str, kind: str) -> dict[str, object]:
    """One entry of `ProblemDetails.errors`, shaped like FastAPI's own."""
    return {"loc": list(location), "msg": message, "type": kind}


def problem_response(
    status: int,
    code: ProblemCode,
    detail: str | None = None,
    *,
    title: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, object]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem-details response (`application/problem+json`)."""
    problem = ProblemDetails(
        title=title or HTTPStatus(status).phrase,
        status=status,
        code=code,
        detail=detail,
        instance=instance,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
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
        422,
        ProblemCode.INVALID_REQUEST,
        "The request is not valid; see `errors`.",
        instance=request.url.path,
        errors=errors,
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = _HTTP_CODES.get(error.status_code, ProblemCode.INTERNAL_ERROR)
    detail: str | None = error.detail if isinstance(error.detail, str) else None
    if detail == HTTPStatus(error.status_code).phrase:
        detail = None
    return problem_response(
        error.status_code, code, detail, instance=request.url.path, headers=error.headers
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answer request validation errors and Starlette's own HTTP errors as problems."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
