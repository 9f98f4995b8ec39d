"""The query parameters of paged lists, and the cursor they carry (`db.cursor`)."""

from typing import Annotated

from fastapi import Query

from services.common.problems import field_error
from services.gateway.api.problems import InvalidRequestError
from services.gateway.db.cursor import MAX_PAGE_SIZE, Cursor, InvalidCursorError

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
CursorParam = Annotated[
    str | None, Query(description="`next_cursor` of the previous page.", max_length=512)
]


def cursor_from(token: str | None) -> Cursor | None:
    """The position after which the requested page starts; a 422 problem for a bad token."""
    if not token:
        return None
    try:
        return Cursor.decode(token)
    except InvalidCursorError as error:
        raise InvalidRequestError(
            "The cursor is not one this API returned.",
            errors=[field_error(["query", "cursor"], "Invalid cursor.", "value_error")],
        ) from error
