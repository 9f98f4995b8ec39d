"""Echo's media work against the ffmpeg CLI on the same input, in the same run.

    python -m bench.run [--repeat 3] [--source PATH]

Prints a Markdown table of median wall times and the ratio Echo / ffmpeg (lower
is better; 1.0 means as fast as the CLI with the same settings). The CLI
(`apt-get install ffmpeg`) is only a baseline: Echo itself never calls it.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from contracts.enums import JobKind
from contracts.events import JobRef, VideoUploadedEvent
from contracts.media import BlobRef
from services.common.blobs import LocalBlobStore, source_key
from services.common.media import MediaLimits
from services.common.worker import JobContext
from services.metadata.probe import probe_media
from services.transcoder.encoding import EncodeOptions
from services.transcoder.pipeline import transcode
from tests.support.media import MediaSpec, make_media

console = Console()


@dataclass(frozen=True)
class Measurement:
    task: str
    source: str
    echo_seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.echo_seconds / self.baseline_seconds


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _context(store: LocalBlobStore, source: Path, kind: JobKind) -> JobContext:
    owner, video = uuid.uuid4(), uuid.uuid4()
    key = source_key(owner, video)
    store.path(key).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, store.path(key))
    job = JobRef(job_id=uuid.uuid4(), kind=kind)
    event = VideoUploadedEvent(
        video_id=video,
        owner_id=owner,
        source=BlobRef(key=key, size_bytes=source.stat().st_size),
        original_filename=source.name,
        jobs=[job],
    )
    return JobContext(
        event=event,
        job=job,
        attempt=1,
        source_path=store.path(key),
        store=store,
        limits=MediaLimits(),
        cancelled=threading.Event(),
        _report=lambda percent, eta: None,
    )


def measure_transcode(source: Path, work: Path, repeat: int) -> Measurement:
    store = LocalBlobStore(work / "blobs")
    options = EncodeOptions()

    def echo() -> None:
        transcode(_context(store, source, JobKind.TRANSCODE), options)

    def ffmpeg() -> None:
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(source),
             "-vf", f"scale=-2:'min({options.max_height},ih)'",
             "-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf),
             "-bf", "0", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-b:a", str(options.audio_bitrate), "-ac", "2", "-ar", "48000",
             "-movflags", "+faststart", str(work / "ffmpeg.mp4")],
            check=True,
        )  # fmt: skip

    return Measurement(
        "transcode (720p H.264/AAC MP4)",
        source.name,
        _median_seconds(echo, repeat),
        _median_seconds(ffmpeg, repeat),
    )


def measure_probe(source: Path, repeat: int) -> Measurement:
    def echo() -> None:
        probe_media(source, MediaLimits())

    def ffprobe() -> None:
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json",
             str(source)],
            check=True,
            capture_output=True,
        )  # fmt: skip

    return Measurement(
        "probe (container + streams)",
        source.name,
        _median_seconds(echo, repeat * 10),
        _median_seconds(ffprobe, repeat * 10),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, action="append", default=[])
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        raise SystemExit("the baseline needs the ffmpeg CLI: apt-get install -y ffmpeg")

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        sources = list(args.source) or [
            make_media(
                work / "synthetic-1080p-10s.mp4",
                MediaSpec(duration_seconds=10, width=1920, height=1080, fps=30),
            )
        ]
        results: list[Measurement] = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("benchmarking", total=len(sources) * 2)
            for source in sources:
                results.append(measure_transcode(source, work, args.repeat))
                progress.advance(task)
                results.append(measure_probe(source, args.repeat))
                progress.advance(task)

    print("| task | source | Echo (s) | ffmpeg CLI (s) | ratio |")
    print("|---|---|---|---|---|")
    for m in results:
        print(
            f"| {m.task} | {m.source} | {m.echo_seconds:.3f} | {m.baseline_seconds:.3f} "
            f"| {m.ratio:.2f} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps([{**m.__dict__, "ratio": m.ratio} for m in results], indent=2)
        )


if __name__ == "__main__":
    main()
