"""Wiring of the metadata worker: the worker kit and the metadata work."""

from functools import partial

from faststream.asgi import AsgiFastStream

from contracts.enums import JobKind
from services.common.settings import BlobSettings, BusSettings
from services.common.worker import worker_app
from services.metadata.job import extract_metadata
from services.metadata.settings import MetadataSettings


def create_app(
    settings: MetadataSettings | None = None,
    bus: BusSettings | None = None,
    blobs: BlobSettings | None = None,
) -> AsgiFastStream:
    """The metadata worker as an ASGI app; settings not given are read from the environment."""
    settings = settings or MetadataSettings()
    work = partial(extract_metadata, settings=settings)
    return worker_app(JobKind.METADATA, settings, work, bus=bus, blobs=blobs)
