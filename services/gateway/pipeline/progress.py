"""The progress sampler: workers' progress ticks → at most one Postgres statement per interval.

Progress is not state. Ticks arrive on `echo.progress.<owner>.<job>` about every
second per running job; the sampler keeps only the latest per job in memory (a
plain core-NATS subscription: no consumer state, and every gateway replica may
write the same value) and every `progress_flush_interval_seconds` writes them all
in one `update`: progress, ETA, and a sign of life for the reconciler. No version
bump, no outbox row; the notifier relays ticks to browsers on its own.
"""

import logging
from uuid import UUID

from faststream.nats import NatsBroker

from contracts import subjects
from contracts.events import JobProgressEvent
from services.gateway.db import jobs
from services.gateway.db.jobs import ProgressSample
from services.gateway.db.pool import Database
from services.gateway.metrics import GatewayMetrics
from services.gateway.pipeline.loops import Periodic

logger = logging.getLogger(__name__)


class ProgressSampler:
    """The latest progress of each job since the last flush; `loop` flushes periodically."""

    def __init__(
        self, db: Database, metrics: GatewayMetrics, flush_interval_seconds: float
    ) -> None:
        self._db = db
        self._metrics = metrics
        self._latest: dict[UUID, ProgressSample] = {}
        self.loop = Periodic("progress-sampler", self.flush, flush_interval_seconds)

    @property
    def held(self) -> int:
        """Jobs whose progress waits for the next flush."""
        return len(self._latest)

    def note(self, event: JobProgressEvent) -> None:
        """Keep `event` unless a later tick of the same job is already held."""
        held = self._latest.get(event.job_id)
        if held is None or held.reported_at <= event.occurred_at:
            self._latest[event.job_id] = ProgressSample(
                job_id=event.job_id,
                owner_id=event.owner_id,
                progress=round(event.progress, 2),
                eta_seconds=event.eta_seconds,
                reported_at=event.occurred_at,
            )

    async def flush(self) -> int:
        """Write every held sample in one statement; returns the job rows updated."""
        if not self._latest:
            return 0
        samples, self._latest = self._latest, {}
        try:
            async with self._db.service() as conn:
                updated = await jobs.write_progress(conn, list(samples.values()))
        except Exception:
            # Put them back unless a newer tick arrived meanwhile; the next flush retries.
            self._latest = {**samples, **self._latest}
            raise
        self._metrics.progress_flushed.inc(updated)
        return updated


def register_progress_sampler(broker: NatsBroker, sampler: ProgressSampler) -> None:
    """Subscribe the sampler to every job's progress (core NATS, no consumer)."""

    @broker.subscriber(
        subjects.PROGRESS,
        # Workers publish ticks to JetStream, which answers with the PubAck; a reply from
        # here would race it and reach the worker instead.
        no_reply=True,
        title="gateway-progress-sampler",
        description="Keeps the latest progress per job; written to Postgres at most once per "
        "flush interval, in one statement for every job.",
    )
    async def on_progress(event: JobProgressEvent) -> None:
        sampler.note(event)

    _ = on_progress  # registered on the broker by the decorator
