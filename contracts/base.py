"""The one base model every contract shares."""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict


class ContractModel(BaseModel):
    """Base of every event and REST schema.

    Unknown fields are refused so a typo in a producer fails loudly instead of
    being dropped; models are frozen because a message, once built, is a fact.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


def utc_now() -> datetime:
    """The current time, timezone-aware, as every contract timestamp must be."""
    return datetime.now(UTC)
