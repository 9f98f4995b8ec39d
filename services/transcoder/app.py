"""Wiring of the transcoder: the worker kit, the ladder work and its frame counter."""

from faststream.asgi import AsgiFastStream
from prometheus_client import Counter

from contracts.enums import JobKind
from contracts.events import TranscodeResult
from services.common.settings import BlobSettings, BusSettings
from services.common.worker import JobContext, WorkerMetrics, worker_app
from services.transcoder.job import transcode
from services.transcoder.settings import TranscoderSettings


def create_app(
    settings: TranscoderSettings | None = None,
    bus: BusSettings | None = None,
    blobs: BlobSettings | None = None,
) -> AsgiFastStream:
    """The transcoder as an ASGI app; settings not given are read from the environment."""
    settings = settings or TranscoderSettings()
    options = settings.ladder_options()
    metrics = WorkerMetrics(JobKind.TRANSCODE)
    frames = Counter(
        "echo_transcoder_frames_encoded",
        "Pictures encoded, counted once for all rungs of a ladder.",
        registry=metrics.registry,
    )

    def work(context: JobContext) -> TranscodeResult:
        return transcode(context, options, on_frames=frames.inc)

    return worker_app(JobKind.TRANSCODE, settings, work, bus=bus, blobs=blobs, metrics=metrics)
