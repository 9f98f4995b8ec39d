"""`python -m services.<worker>`: one worker app under uvicorn, stopped cleanly by SIGTERM.

uvicorn turns SIGTERM or SIGINT into the app's shutdown, where `Drain` finishes or
hands back the running job; nothing else is needed for a clean stop.
"""

import uvicorn
from faststream.asgi import AsgiFastStream

from contracts.enums import JobKind
from services.common.logging import configure_logging
from services.common.settings import EchoSettings
from services.common.worker.app import SERVICE_NAMES
from services.common.worker.settings import WorkerSettings


def serve(kind: JobKind, app: AsgiFastStream, settings: WorkerSettings) -> None:
    shared = EchoSettings()
    configure_logging(SERVICE_NAMES[kind], level=shared.log_level, as_json=shared.log_json)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        log_config=None,
        access_log=False,
    )
