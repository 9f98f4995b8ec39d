"""Start one release of Echo with its own dev launcher, report where it runs, stop on EOF.

    <release>/.venv/bin/python bench/platform/runner.py DATA_DIR [--stop transcoder ...]

Run by the interpreter of the release under test, from that release's tree, so it
imports that release's `services.devstack` (this file uses nothing else of Echo's,
and nothing of `bench`). Prints one line, `ECHO-BENCH-PLATFORM <json>`, once every
service is ready, then keeps the platform up until its stdin closes.
"""

import argparse
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from services.devstack import stack as devstack

READY_PREFIX = "ECHO-BENCH-PLATFORM "


def _launcher(data_dir: Path, extra_env: dict[str, str]) -> Any:
    """A `DevStack` on free ports, whichever launcher API this release has."""
    parameters = inspect.signature(devstack.DevStack).parameters
    options: dict[str, Any] = {"extra_env": extra_env, "log_dir": data_dir / "logs"}
    if "ports" in parameters:
        from services.devstack.ports import PortPlan

        options["ports"] = PortPlan.free()
    else:
        options["fixed_ports"] = False
    return devstack.DevStack(data_dir, **options)


def _where(stack: Any) -> dict[str, Any]:
    return {
        "gateway_url": stack.gateway_url,
        "notifier_url": stack.notifier_url,
        "nats_url": stack.nats.url,
        "database_url": stack.postgres.dsn,
        "postgres_dir": str(stack.postgres.data_dir),
        "jwt_secret": stack.jwt_secret,
        "pids": {name: service.process.pid for name, service in stack.services.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--stop", action="append", default=[], help="service to stop once up")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for services")
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)
    stack = _launcher(args.data_dir, extra_env)
    stack.start()
    try:
        for name in args.stop:
            stack.stop_service(name)
        print(READY_PREFIX + json.dumps(_where(stack)), flush=True)
        sys.stdin.read()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
