"""The `status` filter shared by the video and job lists."""

from typing import Annotated

from fastapi import Query

from contracts.enums import ProcessingStatus
from services.common.problems import field_error
from services.gateway.api.problems import InvalidRequestError

StatusParam = Annotated[
    list[str] | None,
    Query(
        description="Only items in these statuses (pending, processing, completed, failed): "
        "repeat the parameter (`status=pending&status=failed`) or separate with commas "
        "(`status=pending,failed`).",
    ),
]


def parse_statuses(values: list[str] | None) -> list[ProcessingStatus]:
    """Statuses from repeated and comma-separated parameters; 422 on an unknown one."""
    statuses: list[ProcessingStatus] = []
    for value in values or []:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                status = ProcessingStatus(item)
            except ValueError as error:
                allowed = ", ".join(s.value for s in ProcessingStatus)
                raise InvalidRequestError(
                    f"Unknown status {item!r}; use {allowed}.",
                    errors=[field_error(["query", "status"], f"Must be one of {allowed}.", "enum")],
                ) from error
            if status not in statuses:
                statuses.append(status)
    return statuses
