"""HTTP errors as RFC 9457 problem details (`contracts.rest.ProblemDetails`)."""

from collections.abc import Mapping
from http import HTTPStatus

from starlette.responses import JSONResponse

from contracts.rest import ProblemDetails

PROBLEM_JSON = "application/problem+json"


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    errors: list[dict[str, object]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem-details response; `title` is the status's standard phrase."""
    problem = ProblemDetails(
        title=HTTPStatus(status).phrase,
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
        headers=headers,
    )
