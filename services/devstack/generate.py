"""`python -m services.devstack.generate`: rewrite every generated artefact of the project.

- `contracts/schemas/*.json`: the JSON Schema of every contract (`contracts.schema`);
- `docs/asyncapi/{gateway,transcoder,metadata}.json`: each bus service's AsyncAPI 3.0
  document, built from the subscribers and publishers its real app declares (nothing
  is connected), so it cannot drift from the code;
- `docs/asyncapi/notifier.json`: what the notifier sends browsers over WebSocket and SSE;
- `docs/openapi.json`: the gateway's OpenAPI document, as `create_app(config).openapi()`;
- `docs/configuration.md`: every environment variable of every process, from the settings
  classes (`services.devstack.reference`);
- `clients/typescript/src/generated/{rest,contracts,live}.ts`: the TypeScript client's
  types, by openapi-typescript (REST) and json-schema-to-typescript (contracts, live
  messages) (`clients/typescript/scripts/
  generate.mjs`, run with the client's own locked devDependencies). This part needs Node
  and npm; without them it is skipped, saying so, and the rest is still written.

Files a generator no longer produces are deleted. A test regenerates everything into a
temporary folder and names any committed file that differs.
"""

import argparse
import json
import shutil
import subprocess
import sys
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
from services.devstack.reference import write_reference
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewayConfig, GatewaySettings
from services.metadata.app import create_app as create_metadata
from services.notifier.asyncapi import document as notifier_document
from services.transcoder.app import create_app as create_transcoder

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = Path("contracts/schemas")
ASYNCAPI_DIR = Path("docs/asyncapi")
OPENAPI_FILE = Path("docs/openapi.json")
CLIENT_DIR = Path("clients/typescript")
TS_DIR = CLIENT_DIR / "src/generated"
COMMAND = "python -m services.devstack.generate"

_SPEC_VERSION = "3.0.0"
# The gateway is built, never started: its secrets only have to pass validation.
_UNUSED_SECRET = SecretStr("unused-" + "x" * 32)


def _gateway_config(bus: BusSettings, blobs: BlobSettings) -> GatewayConfig:
    return GatewayConfig(
        gateway=GatewaySettings(signing_key=_UNUSED_SECRET),
        database=DatabaseSettings(database_url=SecretStr("postgresql://unused/echo")),
        bus=bus,
        blobs=blobs,
        auth=AuthSettings(jwt_secret=_UNUSED_SECRET),
    )


def _gateway_document(bus: BusSettings, blobs: BlobSettings) -> dict[str, Any]:
    broker = create_gateway(_gateway_config(bus, blobs)).state.gateway.broker
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


def openapi_document() -> dict[str, Any]:
    """The gateway's OpenAPI document, as it serves it at `/openapi.json`."""
    return create_gateway(_gateway_config(BusSettings(), BlobSettings())).openapi()


def write_openapi(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(openapi_document()))
    return path


class NodeUnavailableError(RuntimeError):
    """Node or npm is not installed: the TypeScript types cannot be generated here."""


def node_missing() -> str | None:
    """Why the TypeScript part cannot run here, or None when it can."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found on PATH" if missing else None


def client_dependencies() -> Path:
    """The client's folder with its locked devDependencies installed (`npm ci` once)."""
    client = ROOT / CLIENT_DIR
    if not (client / "node_modules/.bin/openapi-typescript").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=client,
            check=True,
            stdout=sys.stderr,
        )
    return client


def write_typescript(root: Path) -> list[Path]:
    """Generate the client's types from `root`'s OpenAPI document and JSON Schemas (the
    generators are the client's devDependencies, so run from the project's client)."""
    reason = node_missing()
    if reason:
        raise NodeUnavailableError(reason)
    out = root / TS_DIR
    out.mkdir(parents=True, exist_ok=True)
    expected = {out / "rest.ts", out / "contracts.ts", out / "live.ts"}
    for stale in out.glob("*.ts"):
        if stale not in expected:
            stale.unlink()
    subprocess.run(
        [
            "node",
            "scripts/generate.mjs",
            f"--openapi={(root / OPENAPI_FILE).resolve()}",
            f"--schemas={(root / SCHEMA_DIR).resolve()}",
            f"--asyncapi={(root / ASYNCAPI_DIR / 'notifier.json').resolve()}",
            f"--out={out.resolve()}",
        ],
        cwd=client_dependencies(),
        check=True,
    )
    return sorted(expected)


def generate_python(root: Path = ROOT) -> list[Path]:
    """The artefacts Python writes alone: JSON Schemas, AsyncAPI and OpenAPI documents, and
    the configuration reference."""
    return [
        *write_schemas(root / SCHEMA_DIR),
        *write_asyncapi(root / ASYNCAPI_DIR),
        write_openapi(root / OPENAPI_FILE),
        write_reference(root),
    ]


def generate(root: Path = ROOT) -> list[Path]:
    """Rewrite every generated artefact under `root` (the project, or a scratch copy);
    the TypeScript types only where Node and npm are installed (saying so otherwise)."""
    written = generate_python(root)
    try:
        written += write_typescript(root)
    except NodeUnavailableError as error:
        print(f"skipped the TypeScript types: {error}", file=sys.stderr)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Rewrite every generated artefact.")
    parser.add_argument("--root", type=Path, default=ROOT, help="Project folder to write into.")
    for path in generate(parser.parse_args().root):
        print(path)


if __name__ == "__main__":
    main()
