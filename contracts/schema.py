"""JSON Schema for every contract, for other languages and for drift checks.

`python -m contracts.schema DIR` writes one `<Model>.json` per model into DIR.
"""

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from contracts import events, rest

EVENT_MODELS: tuple[type[BaseModel], ...] = (
    events.VideoUploadedEvent,
    events.JobStartedEvent,
    events.JobProgressEvent,
    events.JobCompletedEvent,
    events.JobFailedEvent,
    events.JobStatusChangedEvent,
)

REST_MODELS: tuple[type[BaseModel], ...] = (
    rest.VideoSummarySchema,
    rest.VideoResponseSchema,
    rest.VideoJobResponseSchema,
    rest.VideoMetadataResponseSchema,
    rest.VideoWithJobsResponseSchema,
    rest.VideoJobWithDetailsResponseSchema,
    rest.VideoUploadResponseSchema,
    rest.VideoMetadataUpdateRequestSchema,
    rest.VideoListResponseSchema,
    rest.VideoJobListResponseSchema,
    rest.JobStatusUpdate,
    rest.ProblemDetails,
    rest.HealthResponseSchema,
)


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every contract's JSON Schema, by model name."""
    return {
        model.__name__: TypeAdapter(model).json_schema(mode="serialization")
        for model in (*EVENT_MODELS, *REST_MODELS)
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write each schema as pretty JSON; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("contracts/schemas")
    for path in write_schemas(target):
        print(path)
