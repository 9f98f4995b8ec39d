"""Prometheus metrics of the gateway, on a registry of its own (served at `/metrics`)."""

from prometheus_client import CollectorRegistry, Counter, Gauge


class GatewayMetrics:
    """Every metric the gateway exports; one instance per app."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.uploads = Counter(
            "echo_gateway_uploads",
            "Uploads by outcome (accepted, too_large, invalid, aborted).",
            ["outcome"],
            registry=self.registry,
        )
        self.upload_bytes = Counter(
            "echo_gateway_upload_bytes",
            "Bytes of accepted uploads.",
            registry=self.registry,
        )
        self.projected_events = Counter(
            "echo_gateway_projected_events",
            "Worker job events handled by the projector, by type and outcome "
            "(applied, unchanged, duplicate, ignored, invalid).",
            ["event_type", "outcome"],
            registry=self.registry,
        )
        self.redispatches = Counter(
            "echo_gateway_reconciler_redispatches",
            "Silent jobs dispatched again by the reconciler.",
            ["kind"],
            registry=self.registry,
        )
        self.stalled = Counter(
            "echo_gateway_reconciler_stalled",
            "Jobs the reconciler failed as stalled after the last dispatch.",
            ["kind"],
            registry=self.registry,
        )
        self.outbox_published = Counter(
            "echo_gateway_outbox_published",
            "Outbox events published to JetStream.",
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "echo_gateway_outbox_pending",
            "Outbox events not yet published, at the relay's last pass.",
            registry=self.registry,
        )
        self.outbox_lag = Gauge(
            "echo_gateway_outbox_lag_seconds",
            "Age of the oldest unpublished outbox event, at the relay's last pass.",
            registry=self.registry,
        )
