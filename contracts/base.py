"""The one base model every contract shares."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class ContractModel(BaseModel):
    """Base of every event and REST schema.

    Unknown fields are refused so a typo in a producer fails loudly instead of
    being dropped; models are frozen because a message, once built, is a fact.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        # Fields with a default are always sent, so serialization schemas list them as
        # required (generated clients then type `type`, `status`, ... as present).
        json_schema_serialization_defaults_required=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_computed_fields(cls, data: Any) -> Any:
        """Computed fields are output only: a client that validates a response it received
        hands them back, and they must not count as unknown fields."""
        if isinstance(data, dict) and cls.model_computed_fields:
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data


def utc_now() -> datetime:
    """The current time, timezone-aware, as every contract timestamp must be."""
    return datetime.now(UTC)
