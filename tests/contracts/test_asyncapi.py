"""The AsyncAPI documents in docs/asyncapi/ describe what the services really declare."""

import json
from pathlib import Path

from services.devstack.asyncapi import DEFAULT_DIR, documents


def test_published_asyncapi_documents_are_current() -> None:
    """Regenerate with `python -m services.devstack.asyncapi` after changing a subscriber
    or publisher."""
    current = documents()
    for name, document in current.items():
        path = DEFAULT_DIR / f"{name}.json"
        assert path.exists(), f"{path} is missing"
        assert json.loads(path.read_text()) == document, f"{path.name} is stale"
    assert sorted(p.stem for p in Path(DEFAULT_DIR).glob("*.json")) == sorted(current)


def test_every_bus_subject_is_documented() -> None:
    channels = {
        channel["address"]
        for document in documents().values()
        for channel in document["channels"].values()
    }
    assert {
        "echo.videos.uploaded",
        "echo.jobs.transcode.completed",
        "echo.jobs.metadata.failed",
        "echo.jobs.>",
    } <= channels
