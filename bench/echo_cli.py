"""Echo's media work as a process of its own, for process-against-process comparisons.

python -m bench.echo_cli probe SOURCE
python -m bench.echo_cli transcode SOURCE STORE_ROOT [--short-side 720 --preset ... --crf ...]
"""

import argparse
from pathlib import Path

from bench.adapters import TranscodeSettings, echo_probe, echo_transcode


def transcode_arguments(settings: TranscodeSettings) -> list[str]:
    """The command-line options that make `main` use `settings`."""
    return [
        "--short-side", str(settings.short_side), "--max-bitrate", str(settings.max_bitrate),
        "--buffer-size", str(settings.buffer_size), "--preset", settings.preset,
        "--crf", str(settings.crf), "--audio-bitrate", str(settings.audio_bitrate),
        "--threads", str(settings.threads),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    probe = commands.add_parser("probe")
    probe.add_argument("source", type=Path)
    transcode = commands.add_parser("transcode")
    transcode.add_argument("source", type=Path)
    transcode.add_argument("store_root", type=Path)
    defaults = TranscodeSettings()
    transcode.add_argument("--short-side", type=int, default=defaults.short_side)
    transcode.add_argument("--max-bitrate", type=int, default=defaults.max_bitrate)
    transcode.add_argument("--buffer-size", type=int, default=defaults.buffer_size)
    transcode.add_argument("--preset", default=defaults.preset)
    transcode.add_argument("--crf", type=int, default=defaults.crf)
    transcode.add_argument("--audio-bitrate", type=int, default=defaults.audio_bitrate)
    transcode.add_argument("--threads", type=int, default=defaults.threads)
    args = parser.parse_args()
    if args.command == "probe":
        echo_probe(args.source)
        return
    settings = TranscodeSettings(
        short_side=args.short_side,
        max_bitrate=args.max_bitrate,
        buffer_size=args.buffer_size,
        preset=args.preset,
        crf=args.crf,
        audio_bitrate=args.audio_bitrate,
        threads=args.threads,
    )
    echo_transcode(args.source, args.store_root, settings)


if __name__ == "__main__":
    main()
