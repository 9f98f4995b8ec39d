"""`python -m services.devstack`: run the whole platform on this machine until Ctrl-C."""

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.panel import Panel

from services.common.auth import mint_token
from services.devstack.identity import data_dir, read_or_create_demo_user
from services.devstack.stack import DevStack, StackError

console = Console()


def _banner(stack: DevStack, data_dir: Path) -> tuple[Panel, str]:
    user = read_or_create_demo_user(data_dir)
    token = mint_token(stack.jwt_secret, user, email="demo@echo.local", ttl_seconds=7 * 24 * 3600)
    assert stack.nats is not None
    assert stack.postgres is not None
    lines = [
        f"[bold]REST API[/]     {stack.gateway_url}   (docs: {stack.gateway_url}/docs)",
        f"[bold]Live status[/]  ws://127.0.0.1:{stack.ports['notifier']}/ws/jobs"
        f"   sse: {stack.notifier_url}/sse/jobs",
        f"[bold]Workers[/]      transcoder :{stack.ports['transcoder']}"
        f"   metadata :{stack.ports['metadata']}   (/healthz /readyz /metrics)",
        f"[bold]NATS[/]         {stack.nats.url}   monitor: {stack.nats.monitor_url}",
        f"[bold]Postgres[/]     {stack.postgres.dsn}",
        f"[bold]Data[/]         {data_dir.resolve()}",
        "",
        f"[bold]Demo user[/]    {user}",
        "[bold]Dev token[/]    printed below this box (also: .venv/bin/echoctl token)",
        "",
        "[bold]Upload[/] (another terminal, in this folder):",
        "  .venv/bin/echoctl upload path/to/video.mp4",
        "[bold]or[/]",
        f'  curl -H "Authorization: Bearer $(.venv/bin/echoctl token)" '
        f"-F file=@path/to/video.mp4 {stack.gateway_url}/api/videos",
        "",
        "Ctrl-C stops everything; the next run reuses the data.",
    ]
    return Panel("\n".join(lines), title="Echo is running", expand=False), token


def main() -> int:
    parser = argparse.ArgumentParser(description="Run Echo on the embedded default.")
    parser.add_argument(
        "--data-dir", type=Path, default=data_dir(), help="Where data lives (ECHO_DATA_DIR)."
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s devstack: %(message)s"
    )

    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    stack = DevStack(args.data_dir)
    console.print("Starting NATS, Postgres and the four services ...")
    try:
        stack.start()
    except StackError as error:
        console.print(f"[red]Echo could not start:[/] {error}")
        return 1
    try:
        panel, token = _banner(stack, args.data_dir)
        console.print(panel)
        console.print(token, soft_wrap=True, highlight=False)
        while not stopping.wait(1.0):
            for name, service in stack.services.items():
                if service.process.poll() is not None:
                    console.print(f"[red]{name} exited with code {service.process.returncode}[/]")
                    stopping.set()
    finally:
        console.print("Stopping Echo ...")
        stack.stop()
    console.print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
