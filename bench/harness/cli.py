"""The options every benchmark takes, and how every benchmark ends."""

import argparse

from rich.console import Console

from bench.harness.report import BenchRun, markdown, show


def common_arguments(parser: argparse.ArgumentParser, *, repeat: int, warmup: int = 1) -> None:
    """`--repeat`, `--warmup`, `--save` and `--markdown`."""
    parser.add_argument(
        "--repeat", type=int, default=repeat, help=f"timed runs per side (default {repeat})"
    )
    parser.add_argument(
        "--warmup", type=int, default=warmup, help=f"untimed runs per side first ({warmup})"
    )
    parser.add_argument(
        "--save", action="store_true", help="also write the results as JSON under bench/results/"
    )
    parser.add_argument("--markdown", action="store_true", help="also print README table rows")


def finish(run: BenchRun, args: argparse.Namespace, console: Console) -> None:
    """Record the final load, print the tables, and save or render as asked."""
    run.finish()
    show(console, run)
    if args.markdown and run.comparisons:
        console.print(markdown(run), soft_wrap=True, highlight=False, markup=False)
    if args.save:
        console.print(f"saved {run.save()}")
