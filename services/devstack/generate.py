"""`python -m services.devstack.generate`: rewrite every generated artefact of the project.

- `contracts/schemas/*.json`: the JSON Schema of every contract (`contracts.schema`);
- `docs/asyncapi/{gateway,transcoder,metadata}.json`: each bus service's AsyncAPI 3.0
  document, built from the subscribers and publishers its real app declares (nothing
  is connected), so it cannot drift from the code;
- `docs/asyncapi/notifier.json`: what the notifier sends browsers over WebSocket and SSE.

Files a generator no longer produces are deleted. A test regenerates everything into a
temporary folder and names any committed file that differs.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI
from pydantic import SecretStr

from contracts.schema import render, write_schemas
from services.common.settings import (
    AuthSettings,
    BlobSettings,
    BusSettings,
    DatabaseSettings,
)
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewayConfig, GatewaySettings
from services.metadata.app import create_app as create_metadata
from services.notifier.asyncapi import document as notifier_document
from services.transcoder.app import create_app as create_transcoder

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = Path("contracts/schemas")
ASYNCAPI_DIR = Path("docs/asyncapi")
COMMAND = "python -m services.devstack.generate"

_SPEC_VERSION = "3.0.0"
# The gateway is built, never started: its secrets only have to pass validation.
_UNUSED_SECRET = SecretStr("unused-" + "x" * 32)


def _gateway_document(bus: BusSettings, blobs: BlobSettings) -> dict[str, Any]:
    config = GatewayConfig(
        gateway=GatewaySettings(signing_key=_UNUSED_SECRET),
        database=DatabaseSettings(database_url=SecretStr("postgresql://unused/echo")),
        bus=bus,
        blobs=blobs,
        auth=AuthSettings(jwt_secret=_UNUSED_SECRET),
    )
    broker = create_gateway(config).state.gateway.broker
    spec = AsyncAPI(
        broker,
        title="Echo gateway",
        description="Projects the workers' state events into Postgres and publishes each "
        "recorded change (`echo.status.*`) and each upload (`echo.videos.uploaded`).",
        schema_version=_SPEC_VERSION,
    )
    document: dict[str, Any] = json.loads(spec.to_specification().to_json())
    return document


def asyncapi_documents() -> dict[str, dict[str, Any]]:
    """Every service's AsyncAPI document, by service name."""
    bus, blobs = BusSettings(), BlobSettings()
    workers = {
        "transcoder": create_transcoder(bus=bus, blobs=blobs),
        "metadata": create_metadata(bus=bus, blobs=blobs),
    }
    documents = {"gateway": _gateway_document(bus, blobs), "notifier": notifier_document()}
    for name, app in workers.items():
        documents[name] = json.loads(app.schema.to_specification().to_json())
    return documents


def write_asyncapi(directory: Path) -> list[Path]:
    """Write each AsyncAPI document, removing stale ones; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    documents = asyncapi_documents()
    for stale in directory.glob("*.json"):
        if stale.stem not in documents:
            stale.unlink()
    written = []
    for name, document in sorted(documents.items()):
        path = directory / f"{name}.json"
        path.write_text(render(document))
        written.append(path)
    return written


def generate(root: Path = ROOT) -> list[Path]:
    """Rewrite every generated artefact under `root` (the project, or a scratch copy)."""
    return [*write_schemas(root / SCHEMA_DIR), *write_asyncapi(root / ASYNCAPI_DIR)]


def main() -> None:
    parser = argparse.ArgumentParser(description="Rewrite every generated artefact.")
    parser.add_argument("--root", type=Path, default=ROOT, help="Project folder to write into.")
    for path in generate(parser.parse_args().root):
        print(path)


if __name__ == "__main__":
    main()
