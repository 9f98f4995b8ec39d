"""JSON Schema for every contract, for other languages and for drift checks.

`python -m contracts.schema DIR` writes one `<Model>.json` per model into DIR. The
list of models is derived: every message and REST schema `contracts` exports, so a
new one cannot be left out by accident.
"""

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

import contracts
from contracts.base import ContractModel
from contracts.events import EventEnvelope, JobEvent, JobMessage, JobStatusFields

# Bases that only exist to share fields; their concrete subclasses are exported.
_BASES: frozenset[type[BaseModel]] = frozenset(
    {ContractModel, EventEnvelope, JobMessage, JobEvent, JobStatusFields}
)


def contract_models() -> list[type[BaseModel]]:
    """Every concrete model `contracts` exports, by name."""
    models = [getattr(contracts, name) for name in contracts.__all__]
    return sorted(
        (
            model
            for model in models
            if isinstance(model, type) and issubclass(model, ContractModel) and model not in _BASES
        ),
        key=lambda model: model.__name__,
    )


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every contract's JSON Schema, by model name."""
    return {
        model.__name__: TypeAdapter(model).json_schema(mode="serialization")
        for model in contract_models()
    }


def render(schema: dict[str, Any]) -> str:
    """The committed text of one schema (stable, so diffs are meaningful)."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write each schema as pretty JSON, removing stale ones; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    schemas = json_schemas()
    for stale in directory.glob("*.json"):
        if stale.stem not in schemas:
            stale.unlink()
    written = []
    for name, schema in schemas.items():
        path = directory / f"{name}.json"
        path.write_text(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("contracts/schemas")
    for path in write_schemas(target):
        print(path)
