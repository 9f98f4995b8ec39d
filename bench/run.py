"""Echo's media work against the ffmpeg CLI and bare PyAV on the same input, interleaved.

    python -m bench.run [--source PATH ...] [--only transcode|probe] [--repeat 5] [--save]

Three comparisons per source (Echo first, baseline second):

- transcode: Echo's transcode work in its MP4-only ladder configuration (one 720p rung
  and the MP4 download, in a process of its own: `bench.echo_cli`) vs `ffmpeg` with the
  same x264 preset, CRF, maxrate/bufsize, closed GOP, constant rate, picture size, audio
  bitrate and threads, followed by SHA-256 and fsync of its output as Echo does. Echo
  also muxes the rung's packets into HLS segments (no second encode); the full ladder
  is `bench.ladder`'s;
- probe, process vs process: `bench.echo_cli probe` vs `ffprobe -show_format -show_streams`,
  with a third side, `python -c "import bench.echo_cli"`: Echo's fixed cost of a process;
- probe, in-process vs in-process: Echo's probe function vs a bare `av.open` reading the
  same fields and decoding the same first frame.

Without `--source`, a synthetic 30 fps H.264/AAC clip (`--synthetic`, 1920x1080x10).
The CLI (`apt-get install ffmpeg`) is only a baseline: Echo itself never calls it.
"""

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from bench.adapters import TranscodeSettings, echo_outputs, echo_picture, echo_probe
from bench.baselines import bare_probe, ffmpeg_transcode_command, ffprobe_command
from bench.echo_cli import transcode_arguments
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
from tests.support.media import MediaSpec, make_media

console = Console()
ROOT = Path(__file__).resolve().parents[1]
"""Where `python -m bench...` finds this package, whatever the caller's directory."""
PROBE_REPEAT_FACTOR = 10
"""Probes are short: run them this many times more often than transcodes."""


def _clear(*paths: Path) -> Callable[[], None]:
    def clear() -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            path.unlink(missing_ok=True)

    return clear


def compare_transcode(
    source: Path,
    work: Path,
    settings: TranscodeSettings,
    args: argparse.Namespace,
    tick: Callable[[], None],
) -> Comparison:
    store = work / "echo-store"
    cli_output = work / "ffmpeg-output.mp4"
    echo = ProcessSide(
        "Echo",
        [sys.executable, "-m", "bench.echo_cli", "transcode", str(source), str(store),
         *transcode_arguments(settings)],
        cwd=ROOT,
        setup=_clear(echo_outputs(store)),
    )  # fmt: skip
    cli = ProcessSide(
        "ffmpeg CLI",
        ffmpeg_transcode_command(source, cli_output, settings, echo_picture(source, settings)),
        setup=_clear(cli_output),
    )
    return compare(
        "transcode, MP4-only ladder (one rung + MP4)", source.name, [echo, cli],
        repeat=args.repeat, warmup=args.warmup, on_run=tick,
    )  # fmt: skip


def compare_probe_processes(
    source: Path, args: argparse.Namespace, tick: Callable[[], None]
) -> Comparison:
    echo = ProcessSide(
        "Echo", [sys.executable, "-m", "bench.echo_cli", "probe", str(source)], cwd=ROOT
    )
    cli = ProcessSide("ffprobe CLI", ffprobe_command(source))
    # Echo's fixed cost of a process: the interpreter and its imports, no probe.
    start = ProcessSide(
        "Echo start only", [sys.executable, "-c", "import bench.echo_cli"], cwd=ROOT
    )
    return compare(
        "probe, process vs process", source.name, [echo, cli, start],
        repeat=args.repeat * PROBE_REPEAT_FACTOR, warmup=args.warmup, on_run=tick,
    )  # fmt: skip


def compare_probe_in_process(
    source: Path, args: argparse.Namespace, tick: Callable[[], None]
) -> Comparison:
    echo = InProcessSide(
        "Echo", lambda: echo_probe(source), f"bench.adapters.echo_probe({str(source)!r})"
    )
    bare = InProcessSide(
        "bare PyAV", lambda: bare_probe(source), f"bench.baselines.bare_probe({str(source)!r})"
    )
    return compare(
        "probe, in-process vs in-process", source.name, [echo, bare],
        repeat=args.repeat * PROBE_REPEAT_FACTOR, warmup=args.warmup, on_run=tick,
    )  # fmt: skip


def _synthetic(work: Path, shape: str) -> Path:
    width, height, seconds = (int(part) for part in shape.split("x"))
    spec = MediaSpec(duration_seconds=seconds, width=width, height=height, fps=30)
    return make_media(work / f"synthetic-{width}x{height}p30-{seconds}s.mp4", spec)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, action="append", default=[])
    parser.add_argument(
        "--synthetic",
        default="1920x1080x10",
        help="WIDTHxHEIGHTxSECONDS of the 30 fps clip made when no --source is given",
    )
    parser.add_argument("--only", choices=("transcode", "probe"))
    defaults = TranscodeSettings()
    parser.add_argument("--short-side", type=int, default=defaults.short_side)
    parser.add_argument("--max-bitrate", type=int, default=defaults.max_bitrate)
    parser.add_argument("--buffer-size", type=int, default=defaults.buffer_size)
    parser.add_argument("--preset", default=defaults.preset)
    parser.add_argument("--crf", type=int, default=defaults.crf)
    parser.add_argument("--audio-bitrate", type=int, default=defaults.audio_bitrate)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    common_arguments(parser, repeat=5)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    require_cli("ffmpeg", "ffprobe", "sha256sum", "sync")
    settings = TranscodeSettings(
        short_side=args.short_side, max_bitrate=args.max_bitrate,
        buffer_size=args.buffer_size, preset=args.preset, crf=args.crf,
        audio_bitrate=args.audio_bitrate, threads=args.threads,
    )  # fmt: skip
    run = BenchRun("media", Machine.describe())
    with tempfile.TemporaryDirectory(prefix="echo-bench-") as temp:
        work = Path(temp)
        sources = list(args.source) or [_synthetic(work, args.synthetic)]
        runs_per_source = 0
        if args.only != "probe":
            runs_per_source += 2 * (args.warmup + args.repeat)
        if args.only != "transcode":
            runs_per_source += 5 * (args.warmup + args.repeat * PROBE_REPEAT_FACTOR)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("benchmarking", total=len(sources) * runs_per_source)

            def tick() -> None:
                progress.advance(task)

            for source in sources:
                if args.only != "probe":
                    run.comparisons.append(compare_transcode(source, work, settings, args, tick))
                if args.only != "transcode":
                    run.comparisons.append(compare_probe_processes(source, args, tick))
                    run.comparisons.append(compare_probe_in_process(source, args, tick))
    finish(run, args, console)


if __name__ == "__main__":
    main()
