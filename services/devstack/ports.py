"""Which loopback ports one running platform uses, chosen before anything starts.

The default plan is the documented one (REST API on 8000, NATS on 4222, ...). A second
platform beside a first takes a base (`--port-base 9000`: services on 9000-9003, NATS on
9004, its monitor on 9005) or free ports (`--ports auto`). Every port is checked before
any process starts or any file is written, so a refused start leaves nothing behind.
"""

import socket
from dataclasses import dataclass

SERVICES = ("gateway", "transcoder", "metadata", "notifier")
"""Every service of the platform, each run as `python -m services.<name>`."""

DEFAULT_BASE = 8000
DEFAULT_NATS_PORT = 4222
DEFAULT_NATS_MONITOR_PORT = 8222


class PortInUseError(RuntimeError):
    """A port the plan needs is taken; the message names it and its user in the plan."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on `host`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on `port` now (as servers do, despite TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class PortPlan:
    """The port of each service, of NATS and of NATS's HTTP monitor."""

    services: dict[str, int]
    nats: int
    nats_monitor: int

    @classmethod
    def default(cls) -> "PortPlan":
        """The documented ports: 8000-8003, NATS 4222, monitor 8222."""
        return cls.from_base(
            DEFAULT_BASE, nats=DEFAULT_NATS_PORT, monitor=DEFAULT_NATS_MONITOR_PORT
        )

    @classmethod
    def from_base(cls, base: int, *, nats: int = 0, monitor: int = 0) -> "PortPlan":
        """Services on `base`..`base+3`, then NATS and its monitor unless given."""
        if not 1024 <= base <= 65535 - len(SERVICES) - 2:
            raise ValueError(f"port base {base} is out of range (1024-{65535 - 6})")
        services = {name: base + offset for offset, name in enumerate(SERVICES)}
        after = base + len(SERVICES)
        return cls(services, nats or after, monitor or after + 1)

    @classmethod
    def free(cls) -> "PortPlan":
        """Ports the kernel reports free now, all different."""
        ports: set[int] = set()
        while len(ports) < len(SERVICES) + 2:
            ports.add(free_port())
        chosen = sorted(ports)
        return cls(dict(zip(SERVICES, chosen, strict=False)), chosen[-2], chosen[-1])

    def named(self) -> dict[str, int]:
        """Every port by what uses it."""
        return {**self.services, "nats": self.nats, "nats monitor": self.nats_monitor}

    def check_free(self) -> None:
        """`PortInUseError` naming the first port of the plan something else listens on."""
        for user, port in self.named().items():
            if not port_is_free(port):
                raise PortInUseError(
                    f"port {port} (for {user}) is in use. Is Echo already running? "
                    "A second platform needs its own ports (--port-base N, or --ports auto) "
                    "and its own data folder (--data-dir)."
                )
