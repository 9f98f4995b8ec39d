"""What the ladder takes and gives back: options, phases, outputs, the result.

Plain dataclasses with no dependency on the bus or the worker kit, so the ladder
runs (and is tested) on its own; the worker maps `LadderResult` onto the contracts,
whose `OutputKind` and `OutputStatus` the outputs already use.
"""

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from contracts.outputs import OutputKind, OutputStatus
from services.transcoder.ladder.rungs import DEFAULT_RUNGS, RungSpec

FilterStep = tuple[str, str]
"""A libavfilter step: filter name and its argument string (`""` for none)."""


@dataclass(frozen=True)
class LadderOptions:
    """How the ladder is encoded. Every default is what `encode_ladder` uses unless told."""

    rungs: tuple[RungSpec, ...] = DEFAULT_RUNGS
    """Standard rungs by shorter side, with their rate caps (30 fps)."""
    preset: str = "veryfast"
    """x264 preset, the same for every rung."""
    crf: int = 23
    """x264 constant rate factor, capped per rung by `RungSpec.max_bitrate`."""
    gop_seconds: Fraction = Fraction(2)
    """Closed GOP length; keyint = round(output rate x this), scene cuts off."""
    segment_gops: int = 2
    """GOPs per HLS segment: 2 x 2 s gives the default 4 s segments (4-6 s allowed)."""
    max_frame_rate: Fraction = Fraction(60)
    """Output rate = source rate capped at this, constant (VFR sources become CFR)."""
    high_rate_factor: Fraction = Fraction(3, 2)
    """Rate caps are multiplied by this when the output runs above 30 fps."""
    audio_bitrate: int = 128_000
    """AAC-LC stereo 48 kHz, encoded once and shared by the HLS audio rendition and the MP4."""
    download_short_side: int = 720
    """The MP4 download carries this rung, or the largest rung below it."""
    threads: int = 0
    """x264 threads per rung (frame threads); 0 lets x264 size them to the machine."""
    filter_threads: int = 0
    """libavfilter threads for the scalers; 0 means one per core."""

    def __post_init__(self) -> None:
        if not self.rungs:
            raise ValueError("a ladder needs at least one rung")
        if self.gop_seconds <= 0 or self.segment_gops < 1:
            raise ValueError("GOP length and GOPs per segment must be positive")
        if self.max_frame_rate <= 0:
            raise ValueError("max_frame_rate must be positive")
        if self.threads < 0 or self.filter_threads < 0:
            raise ValueError("thread counts cannot be negative")

    @property
    def segment_seconds(self) -> Fraction:
        return self.gop_seconds * self.segment_gops


def machine_threads() -> int:
    """Cores this process may run on (the container's CPU set, not the host's)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class LadderOutput:
    """One output of the ladder, ready or not."""

    name: str
    """Stable name: `1080p` .. `240p` (or the source's own `NNNp`), `audio`, `download`."""
    kind: OutputKind
    status: OutputStatus
    reason: str | None = None
    """Why it was skipped or failed, for a person."""
    path: str | None = None
    """Relative to the ladder folder: the media playlist, or the MP4/M4A file."""
    files: tuple[str, ...] = ()
    """Every file of this output, relative to the ladder folder, playlist last."""
    size_bytes: int = 0
    average_bitrate: int | None = None
    """Bits per second over the whole output (HLS AVERAGE-BANDWIDTH of this track)."""
    peak_bitrate: int | None = None
    """Highest segment bit rate (HLS BANDWIDTH of this track)."""
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    duration_seconds: float | None = None
    codecs: str | None = None
    """RFC 6381 codec string, e.g. `avc1.64001F` or `mp4a.40.2`."""
    segment_count: int = 0


@dataclass(frozen=True)
class LadderResult:
    """The finished ladder, as laid out in `out_dir`."""

    out_dir: Path
    master_playlist: str
    """Relative to `out_dir`: the playlist a player opens."""
    outputs: tuple[LadderOutput, ...]
    duration_seconds: float
    files: tuple[str, ...]
    """Every file, relative to `out_dir`, in a safe upload order: media first, then media
    playlists, the master last (a reader never finds a playlist naming a missing file)."""
    video_frames: int = 0
    """Pictures encoded per rung (0 for an audio-only source)."""

    def output(self, name: str) -> LadderOutput:
        return next(output for output in self.outputs if output.name == name)

    @property
    def ready(self) -> tuple[LadderOutput, ...]:
        return tuple(output for output in self.outputs if output.status is OutputStatus.READY)


class LadderCancelledError(Exception):
    """`should_stop()` said stop; nothing was left behind."""
