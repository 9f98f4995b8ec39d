"""`python -m services.metadata`: run the metadata worker under uvicorn."""

import uvicorn

from services.common.logging import configure_logging
from services.common.settings import BlobSettings, BusSettings
from services.metadata.app import create_app
from services.metadata.settings import MetadataSettings


def main() -> None:
    settings = MetadataSettings()
    bus = BusSettings()
    configure_logging("metadata", bus.log_level, bus.log_json)
    app = create_app(settings, bus=bus, blobs=BlobSettings())
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, lifespan="on")


if __name__ == "__main__":
    main()
