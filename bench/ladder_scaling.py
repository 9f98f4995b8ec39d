"""How to make the rungs' pictures: one libavfilter graph (`split` + `scale` per rung) or
`VideoFrame.reformat` per rung. Decoded frames are held in memory, so only scaling is timed.

    python -m bench.ladder_scaling [--frames 60] [--source FILE]

Prints wall and CPU time (all threads of this process) per approach.
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import av
import av.error
from av.filter import Graph
from av.video.frame import VideoFrame

from bench.ladder import synthetic_source
from services.transcoder.ladder import plan_rungs
from services.transcoder.ladder.rungs import Rung


def with_graph(frames: list[VideoFrame], rungs: list[Rung]) -> int:
    graph = Graph()
    first = frames[0]
    source = graph.add(
        "buffer",
        video_size=f"{first.width}x{first.height}",
        pix_fmt=first.format.name,
        time_base="1/30",
        pixel_aspect="1/1",
    )
    split = graph.add("split", str(len(rungs)))
    source.link_to(split)
    sinks = []
    for index, rung in enumerate(rungs):
        scale = graph.add("scale", f"{rung.width}:{rung.height}:out_range=tv")
        pixels = graph.add("format", "yuv420p")
        sink = graph.add("buffersink")
        split.link_to(scale, index, 0)
        scale.link_to(pixels)
        pixels.link_to(sink)
        sinks.append(sink)
    graph.configure()
    pulled = 0
    for index, frame in enumerate(frames):
        frame.pts = index
        source.push(frame)
        for sink in sinks:
            while True:
                try:
                    sink.pull()
                except (av.error.BlockingIOError, av.error.EOFError):
                    break
                pulled += 1
    return pulled


def with_reformat(frames: list[VideoFrame], rungs: list[Rung]) -> int:
    made = 0
    for frame in frames:
        for rung in rungs:
            frame.reformat(width=rung.width, height=rung.height, format="yuv420p")
            made += 1
    return made


def timed(action: Callable[[], int]) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    count = action()
    return time.perf_counter() - wall, time.process_time() - cpu, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--source", type=Path)
    args = parser.parse_args()
    source = args.source or synthetic_source(20.0)
    with av.open(str(source)) as container:
        frames = []
        for frame in container.decode(video=0):
            frames.append(frame)
            if len(frames) >= args.frames:
                break
    rungs = plan_rungs(frames[0].width, frames[0].height)
    print(f"{len(frames)} frames of {frames[0].width}x{frames[0].height}, {len(rungs)} rungs")
    print("| approach | wall (s) | CPU (s) | pictures |")
    print("|---|---|---|---|")
    for name, action in (
        ("graph: split + scale", lambda: with_graph(frames, rungs)),
        ("reformat per rung", lambda: with_reformat(frames, rungs)),
    ):
        wall, cpu, count = timed(action)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {count} |")


if __name__ == "__main__":
    main()
