"""Prometheus metrics of one notifier app (its own registry, so apps never share counters)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge

Transport = Literal["ws", "sse"]


@dataclass
class NotifierMetrics:
    """Open connections, updates sent and rejected connections, by transport."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.connections = Gauge(
            "echo_notifier_open_connections",
            "Live-status connections open now.",
            ["transport"],
            registry=self.registry,
        )
        self.updates_sent = Counter(
            "echo_notifier_updates_sent",
            "Job status updates sent to clients.",
            ["transport"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "echo_notifier_rejected_connections",
            "Connections refused, by reason code.",
            ["transport", "code"],
            registry=self.registry,
        )

    @contextmanager
    def connection(self, transport: Transport) -> Iterator[None]:
        """Count a connection as open for the duration of the block."""
        gauge = self.connections.labels(transport)
        gauge.inc()
        try:
            yield
        finally:
            gauge.dec()
