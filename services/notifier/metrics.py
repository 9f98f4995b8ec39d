"""Prometheus metrics of one notifier app (its own registry, so apps never share counters)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

Transport = Literal["ws", "sse"]


@dataclass
class NotifierMetrics:
    """Open connections, messages sent, connections refused or closed by the notifier,
    bus messages dropped, and how long catching a connection up took."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.connections = Gauge(
            "echo_notifier_connections",
            "Live connections open now.",
            ["transport"],
            registry=self.registry,
        )
        self.messages = Counter(
            "echo_notifier_messages",
            "Live messages sent to clients, by message type.",
            ["transport", "type"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "echo_notifier_rejected",
            "Connections refused, by problem code.",
            ["transport", "code"],
            registry=self.registry,
        )
        self.dropped = Counter(
            "echo_notifier_dropped",
            "Bus messages not relayed: malformed, or not the owner their subject names.",
            ["type", "reason"],
            registry=self.registry,
        )
        self.closed = Counter(
            "echo_notifier_closed",
            "Open connections the notifier closed, by close reason.",
            ["transport", "reason"],
            registry=self.registry,
        )
        self.catch_up = Histogram(
            "echo_notifier_catch_up_seconds",
            "Time from a connection's admission to its first live message being possible "
            "(its snapshot or replay read and sent).",
            ["transport"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
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
