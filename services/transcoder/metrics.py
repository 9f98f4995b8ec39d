"""Prometheus metrics of the transcoder, served at `/metrics`.

Each app gets its own registry, so several apps (tests) never collide.
"""

from dataclasses import dataclass
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Histogram


class Outcome(StrEnum):
    """How one delivery of a transcode job ended."""

    COMPLETED = "completed"
    FAILED = "failed"
    """The input is unusable; reported, never retried."""
    ERROR = "error"
    """An unexpected error; the job is retried (or reported on its last attempt)."""
    INTERRUPTED = "interrupted"
    """The worker stopped; JetStream redelivers the job."""
    IGNORED = "ignored"
    """The dispatch listed no transcode job."""


@dataclass(frozen=True)
class TranscoderMetrics:
    registry: CollectorRegistry
    jobs: Counter
    seconds: Histogram
    frames: Counter

    @classmethod
    def create(cls) -> "TranscoderMetrics":
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            jobs=Counter(
                "echo_transcoder_jobs",
                "Transcode job deliveries by outcome.",
                ["outcome"],
                registry=registry,
            ),
            seconds=Histogram(
                "echo_transcoder_transcode_seconds",
                "Wall-clock seconds spent on one transcode attempt.",
                ["outcome"],
                buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
                registry=registry,
            ),
            frames=Counter(
                "echo_transcoder_frames_encoded",
                "Video frames encoded.",
                registry=registry,
            ),
        )

    def count_job(self, outcome: Outcome) -> None:
        self.jobs.labels(outcome=outcome.value).inc()

    def observe_attempt(self, outcome: Outcome, seconds: float) -> None:
        self.count_job(outcome)
        self.seconds.labels(outcome=outcome.value).observe(seconds)
