"""Keyset pagination: lists are ordered by (created_at, id) descending, and a cursor
is the position of the last item of a page, encoded so clients treat it as opaque."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self, TypeVar
from uuid import UUID

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidCursorError(ValueError):
    """A token that is not a cursor this API returned."""


@dataclass(frozen=True)
class Cursor:
    """The position after which the next page starts."""

    created_at: datetime
    id: UUID

    def encode(self) -> str:
        raw = json.dumps({"t": self.created_at.isoformat(), "i": str(self.id)})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Self:
        """The cursor a previous page returned; `InvalidCursorError` when it is not one."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            created_at = datetime.fromisoformat(data["t"])
            if created_at.tzinfo is None:
                raise ValueError("naive timestamp")
            return cls(created_at=created_at, id=UUID(data["i"]))
        except (binascii.Error, ValueError, TypeError, KeyError) as error:
            raise InvalidCursorError(token) from error


class _Positioned(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def id(self) -> UUID: ...


_Row = TypeVar("_Row", bound=_Positioned)


def split_page(records: Sequence[_Row], limit: int) -> tuple[Sequence[_Row], str | None]:
    """A page of at most `limit` rows, and the next page's cursor when there is more.

    Queries fetch `limit + 1` rows: the extra one only says whether more follow.
    """
    page = records[:limit]
    more = len(records) > limit
    return page, Cursor(page[-1].created_at, page[-1].id).encode() if more else None
