"""The metadata work against `ffprobe`, `ffmpeg` and bare PyAV on the same files, interleaved.

    python -m bench.metadata [--source PATH ...] [--only probe|poster|storyboard] [--repeat 5]

Four comparisons per source (Echo first, baseline second):

- probe, process vs process: `python -m services.metadata.describe FILE` (the probe's
  command-line form: PyAV and the shared media helpers, no pydantic) vs
  `ffprobe -show_format -show_streams -of json FILE`; a third side is the bare
  interpreter start with `import av`, the floor of any PyAV process;
- probe, in-process: `services.metadata.probe.probe_media` vs a bare `av.open` reading
  the same header fields and decoding the same first frame (`bench.baselines.bare_probe`);
- poster: `services.metadata.poster.make_poster` (in-process: the worker is a long-lived
  process) vs `ffmpeg -ss T -i FILE -frames:v 1` writing the same two widths, T being
  20 % of the duration (the middle of Echo's 10-30 % window);
- storyboard: `services.metadata.storyboard.make_storyboard` (in-process) vs `ffmpeg -i FILE
  -vf fps=1/INTERVAL,scale=W:H,tile=CxR -frames:v 1` with Echo's own count, interval, tile
  size and grid, so both write the same sprite.

Without `--source`, a synthetic 1280x720 30 fps 60 s H.264/AAC clip (`--synthetic`).
The CLI (`apt-get install ffmpeg`) is only a baseline: Echo itself never calls it.
"""

import argparse
import math
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from bench.baselines import bare_probe, ffprobe_command
from bench.harness import (
    BenchRun,
    Comparison,
    InProcessSide,
    Machine,
    ProcessSide,
    common_arguments,
    compare,
    finish,
    require_cli,
)
from services.common.media import MediaLimits
from services.metadata.poster import PosterOptions, make_poster
from services.metadata.probe import probe_media
from services.metadata.storyboard import StoryboardOptions, make_storyboard
from tests.support.media import MediaSpec, make_media

console = Console()
ROOT = Path(__file__).resolve().parent.parent
LIMITS = MediaLimits()
PROBE_REPEAT_FACTOR = 5
"""Probes are short: run them this many times more often than pictures."""


def _emptied(folder: Path) -> Callable[[], None]:
    def empty() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    return empty


def compare_probe_processes(source: Path, repeat: int, args: argparse.Namespace) -> Comparison:
    echo = ProcessSide(
        "Echo", [sys.executable, "-m", "services.metadata.describe", str(source)], cwd=ROOT
    )
    cli = ProcessSide("ffprobe CLI", ffprobe_command(source))
    floor = ProcessSide("python + import av", [sys.executable, "-c", "import av"], cwd=ROOT)
    return compare(
        "probe, process vs process", source.name, [echo, cli, floor],
        repeat=repeat, warmup=args.warmup,
    )  # fmt: skip


def compare_probe_in_process(source: Path, repeat: int, args: argparse.Namespace) -> Comparison:
    echo = InProcessSide(
        "Echo", lambda: probe_media(source, LIMITS), f"probe_media({str(source)!r}, MediaLimits())"
    )
    bare = InProcessSide("bare PyAV", lambda: bare_probe(source), f"bare_probe({str(source)!r})")
    return compare(
        "probe, in-process", source.name, [echo, bare], repeat=repeat, warmup=args.warmup
    )


def compare_poster(source: Path, work: Path, args: argparse.Namespace) -> Comparison:
    options = PosterOptions()
    echo_dir, cli_dir = work / "echo-poster", work / "cli-poster"
    echo = InProcessSide(
        "Echo",
        lambda: make_poster(source, LIMITS, echo_dir, options),
        f"make_poster({str(source)!r}, MediaLimits(), DIR, PosterOptions())",
        setup=_emptied(echo_dir),
    )
    shown = probe_media(source, LIMITS)
    seconds = 0.2 * (shown.duration_seconds or 0.0)
    split = (
        f"[0:v]split=2[a][b];[a]scale='min({options.max_width},iw)':-2[large];"
        f"[b]scale='min({options.small_width},iw)':-2[small]"
    )
    cli = ProcessSide(
        "ffmpeg CLI",
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(source),
            "-filter_complex", split,
            "-map", "[large]", "-frames:v", "1", "-q:v", str(options.qscale),
            str(cli_dir / "large.jpg"),
            "-map", "[small]", "-frames:v", "1", "-q:v", str(options.qscale),
            str(cli_dir / "small.jpg"),
        ],
        setup=_emptied(cli_dir),
    )  # fmt: skip
    return compare(
        "poster (2 widths)", source.name, [echo, cli], repeat=args.repeat, warmup=args.warmup
    )


def compare_storyboard(source: Path, work: Path, args: argparse.Namespace) -> Comparison:
    options = StoryboardOptions()
    echo_dir, cli_dir = work / "echo-storyboard", work / "cli-storyboard"
    _emptied(echo_dir)()
    board = make_storyboard(source, LIMITS, echo_dir, options)
    echo = InProcessSide(
        "Echo",
        lambda: make_storyboard(source, LIMITS, echo_dir, options),
        f"make_storyboard({str(source)!r}, MediaLimits(), DIR, StoryboardOptions())",
        setup=_emptied(echo_dir),
    )
    rows = math.ceil(board.count / board.columns)
    graph = (
        f"fps=1/{board.interval_seconds:.6f},scale={board.tile_width}:{board.tile_height},"
        f"tile={board.columns}x{rows}"
    )
    cli = ProcessSide(
        "ffmpeg CLI",
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-vf", graph,
            "-frames:v", "1", "-q:v", str(options.qscale), str(cli_dir / "sprite.jpg"),
        ],
        setup=_emptied(cli_dir),
    )  # fmt: skip
    subject = f"{source.name} ({board.count} tiles, every {board.interval_seconds:.2f} s)"
    return compare(
        "storyboard (sprite)", subject, [echo, cli], repeat=args.repeat, warmup=args.warmup
    )


def _synthetic(work: Path, shape: str) -> Path:
    width, height, seconds = (int(part) for part in shape.split("x"))
    spec = MediaSpec(duration_seconds=seconds, width=width, height=height, fps=30)
    return make_media(work / f"synthetic-{width}x{height}p30-{seconds}s.mp4", spec)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, action="append", default=[])
    parser.add_argument(
        "--synthetic",
        default="1280x720x60",
        help="WIDTHxHEIGHTxSECONDS of the 30 fps clip made when no --source is given",
    )
    parser.add_argument("--only", choices=("probe", "poster", "storyboard"))
    common_arguments(parser, repeat=5)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    require_cli("ffmpeg", "ffprobe")
    run = BenchRun("metadata", Machine.describe())
    with tempfile.TemporaryDirectory(prefix="echo-bench-metadata-") as temp:
        work = Path(temp)
        sources = list(args.source) or [_synthetic(work, args.synthetic)]
        probe_repeat = args.repeat * PROBE_REPEAT_FACTOR
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("benchmarking", total=len(sources))
            for source in sources:
                if args.only in (None, "probe"):
                    run.comparisons.append(compare_probe_processes(source, probe_repeat, args))
                    run.comparisons.append(compare_probe_in_process(source, probe_repeat, args))
                if args.only in (None, "poster"):
                    run.comparisons.append(compare_poster(source, work, args))
                if args.only in (None, "storyboard"):
                    run.comparisons.append(compare_storyboard(source, work, args))
                progress.advance(task)
    finish(run, args, console)


if __name__ == "__main__":
    main()
