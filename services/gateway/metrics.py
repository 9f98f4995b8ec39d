"""Prometheus metrics of the gateway, on a registry of its own (served at `/metrics`).

Names are prefixed `echo_` and shared in meaning with the other services'
(`echo_events_projected_total`, `echo_outbox_*`); the service is the scrape target.
"""

from prometheus_client import CollectorRegistry, Counter, Gauge


class GatewayMetrics:
    """Every metric the gateway exports; one instance per app."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.uploads = Counter(
            "echo_uploads",
            "Uploads by outcome (accepted, too_large, invalid, aborted).",
            ["outcome"],
            registry=self.registry,
        )
        self.upload_bytes = Counter(
            "echo_upload_bytes", "Bytes of accepted uploads.", registry=self.registry
        )
        self.projected_events = Counter(
            "echo_events_projected",
            "Worker state events handled by the projector, by event and outcome "
            "(applied, unchanged, duplicate, ignored, invalid).",
            ["event", "outcome"],
            registry=self.registry,
        )
        self.progress_flushed = Counter(
            "echo_progress_flushed",
            "Job rows updated by the progress sampler's flushes.",
            registry=self.registry,
        )
        self.redispatches = Counter(
            "echo_redispatches",
            "Silent jobs dispatched again by the reconciler.",
            ["kind"],
            registry=self.registry,
        )
        self.stalled = Counter(
            "echo_jobs_stalled",
            "Jobs the reconciler failed as stalled after the last dispatch.",
            ["kind"],
            registry=self.registry,
        )
        self.outbox_published = Counter(
            "echo_outbox_published",
            "Outbox messages published to JetStream.",
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "echo_outbox_pending",
            "Outbox messages not yet published, at the relay's last pass.",
            registry=self.registry,
        )
        self.outbox_lag = Gauge(
            "echo_outbox_lag_seconds",
            "Age of the oldest unpublished outbox message, at the relay's last pass.",
            registry=self.registry,
        )
