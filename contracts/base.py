"""The one base model every contract shares, and the rule for unknown fields.

Consumers ignore fields they do not know, so a producer can add a field without breaking
any subscriber that was built before it (docs/contracts.md, the evolution policy).
Producers still catch typos: mypy's pydantic plugin refuses an unknown keyword when a
model is built in code, and `strict_validation()` makes validation refuse unknown keys
where a test wants to prove a payload is exactly a contract.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

STRICT_CONTEXT_KEY: Final = "echo.contracts.strict"
"""Validation-context key that turns unknown fields into errors (see `strict_validation`)."""


def strict_validation() -> dict[str, Any]:
    """A validation context refusing unknown fields, for producers' round-trip checks:
    `Model.model_validate_json(raw, context=strict_validation())`. Nested models see the
    same context, so a typo at any depth fails."""
    return {STRICT_CONTEXT_KEY: True}


class ContractModel(BaseModel):
    """Base of every event and REST schema.

    Unknown fields are ignored (dropped) when a message is read, so adding a field is a
    compatible change; models are frozen because a message, once built, is a fact.
    """

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        use_enum_values=False,
        # Fields with a default are always sent, so serialization schemas list them as
        # required (generated clients then type `type`, `status`, ... as present).
        json_schema_serialization_defaults_required=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _check_keys(cls, data: Any, info: ValidationInfo) -> Any:
        """Computed fields are output only: a client that validates a response it received
        hands them back, and they must not count as unknown fields. Under
        `strict_validation()` any other unknown key is an error."""
        if not isinstance(data, Mapping):
            return data
        if cls.model_computed_fields:
            data = {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        if isinstance(info.context, Mapping) and info.context.get(STRICT_CONTEXT_KEY):
            unknown = sorted(str(key) for key in data if key not in _known_keys(cls))
            if unknown:
                raise ValueError(f"unknown fields for {cls.__name__}: {', '.join(unknown)}")
        return data


def _known_keys(model: type[BaseModel]) -> set[str]:
    """Every key `model` reads: field names and their validation aliases."""
    keys = set(model.model_fields)
    for field in model.model_fields.values():
        if isinstance(field.alias, str):
            keys.add(field.alias)
        if isinstance(field.validation_alias, str):
            keys.add(field.validation_alias)
    return keys


def utc_now() -> datetime:
    """The current time, timezone-aware, as every contract timestamp must be."""
    return datetime.now(UTC)
