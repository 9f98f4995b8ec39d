"""AsyncAPI documents of the services that speak on the bus, from their real brokers.

    python -m services.devstack.asyncapi [docs/asyncapi]

Each document is built from the subscribers and publishers a service declares
(nothing is connected), so it cannot drift from the code; a test checks that
the committed copies in `docs/asyncapi/` are current.
"""

import json
import sys
from pathlib import Path
from typing import Any

from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI
from pydantic import SecretStr

from services.common.settings import AuthSettings, BlobSettings, BusSettings, Environment
from services.gateway.app import build_state
from services.common.settings import DatabaseSettings
from services.gateway.settings import GatewayConfig, GatewaySettings
from services.metadata.app import create_app as create_metadata
from services.metadata.settings import MetadataSettings
from services.transcoder.app import create_app as create_transcoder
from services.transcoder.settings import TranscoderSettings

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


def _brokers() -> dict[str, NatsBroker]:
    bus, blobs = BusSettings(), BlobSettings()
    gateway = build_state(
        GatewayConfig(
            gateway=GatewaySettings(),
            database=DatabaseSettings(database_url=SecretStr("postgresql://unused/echo")),
            bus=bus,
            blobs=blobs,
            auth=AuthSettings(jwt_secret=SecretStr("unused"), environment=Environment.DEVELOPMENT),
        )
    )
    transcoder = create_transcoder(TranscoderSettings(), bus, blobs)
    metadata = create_metadata(MetadataSettings(), bus=bus, blobs=blobs)
    return {
        "gateway": gateway.broker,
        "transcoder": transcoder.broker,  # type: ignore[dict-item]
        "metadata": metadata.broker,  # type: ignore[dict-item]
    }


def documents() -> dict[str, dict[str, Any]]:
    """Each service's AsyncAPI 3.0 document, by service name."""
    result: dict[str, dict[str, Any]] = {}
    for name, broker in _brokers().items():
        spec = AsyncAPI(broker, title=f"Echo {name}", schema_version="3.0.0")
        result[name] = json.loads(spec.to_specification().to_json())
    return result


def write_documents(directory: Path = DEFAULT_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_documents(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR):
        print(path)
