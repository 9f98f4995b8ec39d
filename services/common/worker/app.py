"""The whole FastStream app of a worker, from its kind, settings and work function.

Every worker is built here, so they cannot drift: the same broker policy, the same
subscriber shape (pull, batch 1, one job at a time, bound to `WORKERS[kind]`), the
same `/healthz`, `/readyz` and `/metrics`, the same drain on shutdown, the same live
subscription to the kind's job cancels, and an AsyncAPI document titled
"Echo <kind> worker" at `/asyncapi`.
"""

import asyncio
import logging
from typing import Annotated

from faststream import Depends
from faststream.asgi import AsgiFastStream
from faststream.nats import JStream, NatsBroker, NatsRouter, PullSub
from faststream.nats.annotations import NatsMessage
from faststream.specification import AsyncAPI
from nats.js import JetStreamContext

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobCancelCommand, JobRequestedCommand
from contracts.streams import WORKERS
from services.common.blobs import LocalBlobStore
from services.common.bus import make_broker, require_consumer
from services.common.health import CHECK_TIMEOUT_SECONDS, Check, asgi_health_routes
from services.common.settings import BlobSettings, BusSettings
from services.common.worker.cancel import RunningJobs
from services.common.worker.context import JobWork
from services.common.worker.drain import Drain
from services.common.worker.malformed import RejectMalformed
from services.common.worker.metrics import WorkerMetrics
from services.common.worker.publishers import declare_publishers
from services.common.worker.runner import JobRunner, delivery_of
from services.common.worker.settings import WorkerSettings

logger = logging.getLogger(__name__)

PULL_TIMEOUT_SECONDS = 5.0
"""How long one pull waits for a command; a stopping worker notices within this."""

SERVICE_NAMES: dict[JobKind, str] = {
    JobKind.TRANSCODE: "transcoder",
    JobKind.METADATA: "metadata",
}
"""The service that runs each kind's jobs, as it names itself in health answers and logs."""


def subscribe_commands(
    router: NatsRouter, kind: JobKind, settings: WorkerSettings, runner: JobRunner
) -> None:
    """Declare the subscriber to `kind`'s commands, bound to the durable `WORKERS[kind]`."""
    spec = WORKERS[kind]

    @router.subscriber(
        subjects.job_requested(kind),
        stream=JStream(spec.stream, declare=False),
        durable=spec.durable,
        config=settings.consumer_config(spec),
        pull_sub=PullSub(batch_size=1, timeout=PULL_TIMEOUT_SECONDS),
        max_workers=1,
        title=f"{SERVICE_NAMES[kind]}:{subjects.job_requested(kind)}",
        description=f"Runs each {kind} job: reports it started, then completed or failed, "
        "with progress in between.",
    )
    async def run_command(
        command: JobRequestedCommand,
        message: NatsMessage,
        delivery: Annotated[int, Depends(delivery_of)],
    ) -> None:
        await runner(command, message, delivery)


def subscribe_cancels(router: NatsRouter, kind: JobKind, running: RunningJobs) -> None:
    """Declare every replica's live subscription to `kind`'s job cancels: core NATS, no
    queue group (each replica hears each cancel), nothing to acknowledge."""

    @router.subscriber(
        subjects.job_cancels(kind),
        # The gateway publishes through JetStream, so each cancel carries its publisher's
        # reply inbox: answering it would race the stream's own publish ack.
        no_reply=True,
        title=f"{SERVICE_NAMES[kind]}:{subjects.job_cancels(kind)}",
        description=f"Stops the {kind} job a cancel names, if this replica runs it: the "
        "job ends within seconds, its staged outputs removed, nothing more published.",
    )
    async def cancel_job(cancel: JobCancelCommand) -> None:
        if running.apply(cancel):
            return
        logger.debug("cancel of job %s: not running here", cancel.job_id)


def worker_app(
    kind: JobKind,
    settings: WorkerSettings,
    work: JobWork,
    *,
    bus: BusSettings | None = None,
    blobs: BlobSettings | None = None,
    metrics: WorkerMetrics | None = None,
) -> AsgiFastStream:
    """The worker of `kind` as an ASGI app; `bus` and `blobs` are read from the environment
    when not given. Startup fails with `BusNotMigratedError` if its consumer is missing."""
    bus = bus or BusSettings()
    blobs = blobs or BlobSettings()
    metrics = metrics or WorkerMetrics(kind)
    store = LocalBlobStore(blobs.blob_root)
    drain = Drain(settings.drain_grace_seconds)
    broker = make_broker(bus, graceful_timeout=drain.shutdown_timeout)
    router = NatsRouter(middlewares=[RejectMalformed])
    running = RunningJobs()

    async def jetstream() -> JetStreamContext:
        return (await broker.connect()).jetstream()

    runner = JobRunner(
        work=work,
        publishers=declare_publishers(router, kind),
        store=store,
        settings=settings,
        bus=bus,
        metrics=metrics,
        drain=drain,
        jetstream=jetstream,
        running=running,
    )
    subscribe_commands(router, kind, settings, runner)
    subscribe_cancels(router, kind, running)
    broker.include_router(router)

    async def require_its_consumer() -> None:
        await require_consumer(await jetstream(), WORKERS[kind])

    return AsgiFastStream(
        broker,
        asgi_routes=[
            *asgi_health_routes(SERVICE_NAMES[kind], _checks(broker, store)),
            ("/metrics", metrics.route()),
        ],
        on_startup=[require_its_consumer],
        on_shutdown=[drain.begin],
        specification=AsyncAPI(
            title=f"Echo {kind} worker",
            description=f"Runs `{kind}` jobs from `{subjects.job_requested(kind)}`; reports "
            f"their state on `echo.jobs.{kind}.*` and their progress on `echo.progress.*`.",
        ),
        asyncapi_path="/asyncapi",
    )


def _checks(broker: NatsBroker, store: LocalBlobStore) -> dict[str, Check]:
    async def nats() -> bool:
        return await broker.ping(timeout=CHECK_TIMEOUT_SECONDS)

    async def blob_storage() -> bool:
        return await asyncio.to_thread(store.is_available)

    return {"nats": nats, "blob_storage": blob_storage}
