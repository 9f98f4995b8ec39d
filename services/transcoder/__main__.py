"""`python -m services.transcoder`: run the worker with its health and metrics endpoints."""

import uvicorn

from services.common.logging import configure_logging
from services.common.settings import BlobSettings, BusSettings
from services.transcoder.app import create_app
from services.transcoder.settings import TranscoderSettings


def main() -> None:
    settings = TranscoderSettings()
    bus = BusSettings()
    configure_logging("transcoder", level=bus.log_level, as_json=bus.log_json)
    app = create_app(settings, bus, BlobSettings())
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
