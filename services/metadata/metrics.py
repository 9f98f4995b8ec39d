"""Prometheus metrics of the metadata worker, in a registry of its own per app."""

from dataclasses import dataclass, field
from enum import StrEnum

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

_SECONDS_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class JobOutcome(StrEnum):
    """How one delivery of an upload event ended for this worker."""

    COMPLETED = "completed"
    """Probe and poster written; `JobCompletedEvent` published."""
    FAILED = "failed"
    """The input cannot be used (`MediaError`); `JobFailedEvent` published, never retried."""
    RETRIED = "retried"
    """An unexpected error; the delivery was nacked to be tried again later."""
    EXHAUSTED = "exhausted"
    """An unexpected error on the last allowed delivery; a retriable failure was published."""
    INTERRUPTED = "interrupted"
    """The worker stopped mid-job; JetStream redelivers it."""
    IGNORED = "ignored"
    """The event lists no metadata job (a re-dispatch of another kind)."""


@dataclass
class MetadataMetrics:
    """Counters and timings exposed on `/metrics`."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.jobs = Counter(
            "echo_metadata_jobs",
            "Deliveries of upload events handled, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.probe_seconds = Histogram(
            "echo_metadata_probe_seconds",
            "Time to open and probe an upload (first frame decoded).",
            buckets=_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.poster_seconds = Histogram(
            "echo_metadata_poster_seconds",
            "Time to seek, decode, scale and encode a poster.",
            buckets=_SECONDS_BUCKETS,
            registry=self.registry,
        )
        for outcome in JobOutcome:
            self.jobs.labels(outcome=outcome.value)

    def count(self, outcome: JobOutcome) -> None:
        self.jobs.labels(outcome=outcome.value).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The body and content type of a `/metrics` answer."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
