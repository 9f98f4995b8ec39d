"""Keyset pagination: lists are ordered by (created_at, id) descending, and a cursor
is the position of the last item of a page, encoded so clients treat it as opaque."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.gateway.errors import InvalidRequestError, field_error

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Cursor:
    """The position after which the next page starts."""

    created_at: datetime
    id: UUID

    def encode(self) -> str:
        raw = json.dumps({"t": self.created_at.isoformat(), "i": str(self.id)})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        """The cursor a previous page returned; a 422 problem when it is not one."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            created_at = datetime.fromisoformat(data["t"])
            if created_at.tzinfo is None:
                raise ValueError("naive timestamp")
            return cls(created_at=created_at, id=UUID(data["i"]))
        except (binascii.Error, ValueError, TypeError, KeyError) as error:
            raise InvalidRequestError(
                "The cursor is not one this API returned.",
                errors=[field_error(["query", "cursor"], "Invalid cursor.", "value_error")],
            ) from error


def decode_optional(token: str | None) -> Cursor | None:
    return Cursor.decode(token) if token else None
