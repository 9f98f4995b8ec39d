"""The status path's cost: SQL per progress tick and per state change, outbox rows, latency.

    python -m bench.status [--jobs 20 --jobs 100] [--seconds 30] [--before /tmp/echo-before]

Starts each release's platform with its own dev launcher (workers stopped: this driver
reports on the jobs as workers would), both at once, and runs the scenario of
`bench.status.scenario` against each in turn, the order rotated each repeat. The release
"before" is a worktree of the commit before issue 5 with its own virtualenv:

    git worktree add /tmp/echo-before 65528c9
    python -m venv /tmp/echo-before/.venv
    /tmp/echo-before/.venv/bin/pip install -e '/tmp/echo-before[dev]'
"""

import argparse
import asyncio
import contextlib
import tempfile
from pathlib import Path

from rich.console import Console

from bench.harness import BenchRun, Machine, rotated, show
from bench.platform import Platform, Release, running_platform
from bench.status.report import as_json, table
from bench.status.scenario import Round, Settings, run_round
from bench.status.statements import log_every_statement
from bench.status.wire import WIRES

console = Console()
WORKERS = ("transcoder", "metadata")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, action="append", help="concurrent jobs (20, 100)")
    parser.add_argument("--seconds", type=int, default=30, help="progress ticks per job (30)")
    parser.add_argument(
        "--users", type=int, default=0, help="owners of the jobs, one WebSocket each (= jobs)"
    )
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="background window")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per release and size")
    parser.add_argument(
        "--before", type=Path, help="tree of the release before (e.g. /tmp/echo-before)"
    )
    parser.add_argument("--only", choices=("before", "after"), help="run one release only")
    parser.add_argument("--save", action="store_true", help="write JSON under bench/results/")
    return parser.parse_args()


def _releases(args: argparse.Namespace) -> list[Release]:
    releases = []
    if args.only != "after":
        if args.before is None:
            raise SystemExit("--before TREE is needed for the 'before' side (or --only after)")
        releases.append(Release.at("before", args.before))
    if args.only != "before":
        releases.append(Release.this())
    return releases


async def _rounds(
    platforms: list[Platform], sizes: list[int], args: argparse.Namespace
) -> list[Round]:
    rounds = []
    for jobs in sizes:
        settings = Settings(jobs, args.seconds, args.users or jobs, args.idle_seconds)
        for index in range(args.repeat):
            for platform in rotated(platforms, index):
                console.print(f"{platform.release.name}: {jobs} jobs x {args.seconds} s ...")
                rounds.append(await run_round(platform, WIRES[platform.release.name], settings))
    return rounds


def main() -> None:
    args = _arguments()
    releases = _releases(args)
    run = BenchRun("status", Machine.describe())
    for release in releases:
        run.notes.append(f"{release.name}: {release.root} at {release.commit()}")
    with (
        tempfile.TemporaryDirectory(prefix="echo-bench-status-") as temp,
        contextlib.ExitStack() as up,
    ):
        platforms = []
        for release in releases:
            console.print(f"starting {release.name} ({release.root}) ...")
            platform = up.enter_context(
                running_platform(release, Path(temp) / release.name, stop=WORKERS)
            )
            log_every_statement(platform.database_url)
            platforms.append(platform)
        rounds = asyncio.run(_rounds(platforms, args.jobs or [20, 100], args))
    run.results = [as_json(r) for r in rounds]
    run.finish()
    console.print(table(rounds))
    show(console, run)
    if args.save:
        console.print(f"saved {run.save()}")


if __name__ == "__main__":
    main()
