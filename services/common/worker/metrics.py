"""Prometheus metrics of a worker, with the same names in every worker, labelled by kind.

Each app has a registry of its own, so several apps in one process (tests) never
collide; a worker registers its own extra metrics on `WorkerMetrics.registry`.
"""

from enum import StrEnum

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.asgi.types import Scope
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from contracts.enums import JobKind, JobPhase

_SECONDS_BUCKETS = (0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600)


class JobOutcome(StrEnum):
    """How one delivery of a job's command ended, and what JetStream was told."""

    COMPLETED = "completed"
    """Outputs written, `JobCompletedEvent` published; acked."""
    FAILED = "failed"
    """The input cannot be used: `JobFailedEvent` published, acked, never retried."""
    RETRIED = "retried"
    """A transient error (or an unpublishable failure): nacked with a backoff delay."""
    EXHAUSTED = "exhausted"
    """An error on the last allowed delivery: a retriable failure published; acked."""
    HANDED_BACK = "handed_back"
    """The worker was stopping: nacked without delay, so another replica takes it at once."""
    CANCELLED = "cancelled"
    """The job was cancelled (before it started, while it ran, or before its outputs became
    visible): staged outputs removed, nothing published; acked."""
    INTERRUPTED = "interrupted"
    """The handler itself was cancelled; JetStream redelivers after its ack wait."""


class WorkerMetrics:
    """`echo_jobs_total`, `echo_job_duration_seconds` and `echo_job_phase_seconds`."""

    def __init__(self, kind: JobKind, registry: CollectorRegistry | None = None) -> None:
        self.kind = kind
        self.registry = registry or CollectorRegistry()
        self.jobs = Counter(
            "echo_jobs",
            "Deliveries of job commands, by kind and outcome.",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "echo_job_duration_seconds",
            "Wall-clock seconds of one delivery of a job's command, by kind and outcome.",
            ["kind", "outcome"],
            buckets=_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.phases = Histogram(
            "echo_job_phase_seconds",
            "Wall-clock seconds a job spent in each phase it reported.",
            ["kind", "phase"],
            buckets=_SECONDS_BUCKETS,
            registry=self.registry,
        )
        for outcome in JobOutcome:
            self.jobs.labels(kind=kind.value, outcome=outcome.value)

    def observe_delivery(self, outcome: JobOutcome, seconds: float) -> None:
        self.jobs.labels(kind=self.kind.value, outcome=outcome.value).inc()
        self.duration.labels(kind=self.kind.value, outcome=outcome.value).observe(seconds)

    def observe_phase(self, phase: JobPhase, seconds: float) -> None:
        self.phases.labels(kind=self.kind.value, phase=phase.value).observe(seconds)

    def route(self) -> GetHandler:
        """`/metrics`: the registry in Prometheus's text format."""

        @get(include_in_schema=False)
        async def metrics(scope: Scope) -> AsgiResponse:
            return AsgiResponse(
                generate_latest(self.registry), 200, {"content-type": CONTENT_TYPE_LATEST}
            )

        return metrics
