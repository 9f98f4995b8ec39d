"""Echo's HLS ladder against the equivalent one-pass `ffmpeg` CLI ladder, interleaved.

    python -m bench.ladder [--repeat 3] [--seconds 20] [--source FILE] [--preset veryfast]
        [--save] [--markdown]

Both sides decode the source once, turn it into a constant frame rate, `split`
it into the same rungs (same sizes, x264 preset, CRF, maxrate/bufsize, 2 s closed
GOPs with scene cuts off), encode AAC 128k stereo once, and write HLS with fMP4
segments of 4 s and a master playlist. Echo also muxes the 720p packets (and the
audio) into the faststart MP4 download in the same pass; the CLI side does not.

Each side runs as its own child process on the shared harness (`bench.harness`:
warm-up, interleaved runs in rotated order, wall and CPU time and peak RSS from
`wait4`, the machine's load before and after); the size table gives each
rung's size ratio from the last run. Without `--source`, a synthetic 1080p
30 fps clip of `--seconds` is generated (cached in the temp folder). The
`ffmpeg` CLI is only the baseline: Echo never calls it. Run it on a quiet
machine; figures are only comparable within one run.
"""

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
from rich.console import Console
from rich.table import Table

from bench.harness import (
    BenchRun,
    Machine,
    ProcessSide,
    common_arguments,
    compare,
    finish,
    require_cli,
)
from services.transcoder.ladder import LadderOptions, encode_ladder, plan_rungs
from services.transcoder.ladder.encode import keyframe_interval
from services.transcoder.ladder.rungs import Rung
from tests.support.media import MediaSpec, make_media

AUDIO_BITRATE = "128k"
ROOT = Path(__file__).resolve().parents[1]
console = Console()


def synthetic_source(seconds: float) -> Path:
    """A 1080p 30 fps H.264/AAC clip, generated once per length and reused."""
    path = Path(tempfile.gettempdir()) / f"echo-bench-1080p30-{seconds:g}s.mp4"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        partial = path.with_suffix(".partial.mp4")
        make_media(partial, MediaSpec(duration_seconds=seconds, width=1920, height=1080, fps=30))
        partial.rename(path)
    return path


def source_shape(source: Path) -> tuple[int, int, Fraction]:
    with av.open(str(source)) as container:
        video = container.streams.video[0]
        rate = video.average_rate or Fraction(30)
        return video.codec_context.width, video.codec_context.height, Fraction(rate)


def ffmpeg_argv(
    source: Path, out: Path, rungs: list[Rung], rate: Fraction, options: LadderOptions
) -> list[str]:
    """The CLI equivalent of `encode_ladder` (upright filters aside: the source is upright)."""
    keyint = keyframe_interval(rate, options.gop_seconds)
    labels = "".join(f"[s{index}]" for index in range(len(rungs)))
    graph = [f"[0:v]fps={rate}:start_time=0:round=near,split={len(rungs)}{labels}"]
    graph += [
        f"[s{index}]scale={rung.width}:{rung.height}:out_range=tv,setsar=1,format=yuv420p[o{index}]"
        for index, rung in enumerate(rungs)
    ]
    argv = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source)]
    argv += ["-filter_complex", ";".join(graph)]
    for index in range(len(rungs)):
        argv += ["-map", f"[o{index}]"]
    argv += ["-map", "0:a:0"]
    argv += ["-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf)]
    argv += ["-x264-params", f"keyint={keyint}:min-keyint={keyint}:scenecut=0:open-gop=0"]
    argv += ["-threads", str(options.threads)]
    for index, rung in enumerate(rungs):
        argv += [f"-maxrate:v:{index}", str(rung.max_bitrate)]
        argv += [f"-bufsize:v:{index}", str(rung.buffer_size)]
    argv += ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2", "-ar", "48000"]
    stream_map = " ".join(f"v:{index},agroup:audio" for index in range(len(rungs)))
    argv += [
        "-f",
        "hls",
        "-hls_time",
        f"{float(options.segment_seconds):g}",
        "-hls_playlist_type",
        "vod",
        "-hls_segment_type",
        "fmp4",
        "-hls_flags",
        "independent_segments",
        "-master_pl_name",
        "master.m3u8",
        "-var_stream_map",
        f"{stream_map} a:0,agroup:audio",
        "-hls_segment_filename",
        str(out / "%v" / "seg_%05d.m4s"),
        str(out / "%v" / "index.m3u8"),
    ]
    return argv


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _cleared(folder: Path, *, create: bool) -> Callable[[], None]:
    def clear() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        if create:
            folder.mkdir(parents=True)

    return clear


def _sizes(rungs: list[Rung], echo_out: Path, cli_out: Path) -> Table:
    table = Table(title="output size per rung (last run)")
    for column in ("rung", "Echo (bytes)", "ffmpeg (bytes)", "size ratio"):
        table.add_column(column, justify="right")
    pairs = [(rung.name, echo_out / rung.name, cli_out / str(i)) for i, rung in enumerate(rungs)]
    pairs.append(("audio", echo_out / "audio", cli_out / str(len(rungs))))
    for name, mine_folder, theirs_folder in pairs:
        mine, theirs = folder_size(mine_folder), folder_size(theirs_folder)
        table.add_row(name, str(mine), str(theirs), f"{mine / theirs:.3f}" if theirs else "-")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--source", type=Path)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--echo-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    common_arguments(parser, repeat=3)
    args = parser.parse_args()
    if args.echo_child:
        encode_ladder(args.echo_child[0], args.echo_child[1], LadderOptions(preset=args.preset))
        return
    # Says plainly when the baseline is missing: nothing is measured then.
    require_cli("ffmpeg")
    source = args.source or synthetic_source(args.seconds)
    options = LadderOptions(preset=args.preset)
    width, height, source_rate = source_shape(source)
    rate = min(source_rate, options.max_frame_rate)
    rungs = plan_rungs(width, height, options.rungs)
    run = BenchRun("ladder", Machine.describe())
    with tempfile.TemporaryDirectory(prefix="echo-bench-ladder-") as work:
        echo_out, cli_out = Path(work) / "echo", Path(work) / "ffmpeg"
        echo = ProcessSide(
            "Echo",
            [sys.executable, "-m", "bench.ladder", "--preset", args.preset,
             "--echo-child", str(source), str(echo_out)],
            cwd=ROOT,
            setup=_cleared(echo_out, create=False),
        )  # fmt: skip
        cli = ProcessSide(
            "ffmpeg CLI",
            ffmpeg_argv(source, cli_out, rungs, rate, options),
            setup=_cleared(cli_out, create=True),
        )
        run.comparisons.append(
            compare(
                f"HLS ladder, preset {args.preset}, CRF {options.crf}",
                f"{source.name} ({width}x{height} @ {float(source_rate):g} fps)",
                [echo, cli],
                repeat=args.repeat,
                warmup=args.warmup,
            )
        )
        sizes = _sizes(rungs, echo_out, cli_out)
    finish(run, args, console)
    console.print(sizes)


if __name__ == "__main__":
    main()
