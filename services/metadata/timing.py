"""When a video's frames and keyframes fall: variable frame rate and keyframe interval.

From the index when the container has one entry per frame (MP4, MOV, AVI): the
whole file, without reading media data. Otherwise from packets demuxed onward
from the container's position: until three keyframes (two whole intervals) and
120 frames are seen, or 30 seconds, or 2000 packets; a keyframe interval longer
than the sample reads as the sample's length.
"""

import itertools
from dataclasses import dataclass
from fractions import Fraction

import av.error
from av.container import InputContainer
from av.video.stream import VideoStream

SAMPLE_SECONDS = 30
SAMPLE_PACKETS = 2000
SAMPLE_KEYFRAMES = 3
ENOUGH_FOR_RATE = 120
"""The sample also stops once it holds two whole keyframe intervals and 120 frames."""
VARIABLE_SPREAD = 2
"""Frame intervals whose 90th percentile exceeds twice their 10th make a variable rate
(the rule `services.common.media.rate` measures frame rates by)."""


@dataclass(frozen=True)
class Timing:
    """What the timestamps of a video stream's frames say."""

    frames: int
    """Frames seen (the whole stream when read from a full index)."""
    variable: bool
    keyframe_interval_seconds: float | None
    """Longest time between consecutive keyframes; None with fewer than two frames."""


def stream_timing(container: InputContainer, stream: VideoStream) -> Timing:
    """The timing of `stream`, from its full index or from packets read onward."""
    time_base = stream.time_base or Fraction(1, 90_000)
    entries = stream.index_entries
    if entries is not None and len(entries) == stream.frames:
        frames = [(entry.timestamp, entry.is_keyframe) for entry in entries]
    else:
        frames = _sample(container, stream, time_base)
    return _timing(frames, time_base)


def _sample(
    container: InputContainer, stream: VideoStream, time_base: Fraction
) -> list[tuple[int, bool]]:
    """(pts, is keyframe) of the packets read onward, in the stream's time base."""
    frames: list[tuple[int, bool]] = []
    keyframes = 0
    limit = int(SAMPLE_SECONDS / time_base)
    try:
        for packet in container.demux(stream):
            # Zero-size packets are Theora's repeat-frame markers, not frames.
            if packet.pts is None or not packet.size:
                continue
            frames.append((packet.pts, packet.is_keyframe))
            keyframes += packet.is_keyframe
            if (
                len(frames) >= SAMPLE_PACKETS
                or frames[-1][0] - frames[0][0] >= limit
                or (keyframes >= SAMPLE_KEYFRAMES and len(frames) >= ENOUGH_FOR_RATE)
            ):
                break
    # IndexError: PyAV's demux fails on a stream that appears mid-file (a programme
    # starting late in a broadcast capture). Either way what was read tells the timing.
    except (av.error.FFmpegError, IndexError):
        pass
    return frames


def _timing(frames: list[tuple[int, bool]], time_base: Fraction) -> Timing:
    # Integer timestamps: a full index of a long video has hundreds of thousands.
    times = sorted({time for time, _ in frames})
    intervals = sorted(b - a for a, b in itertools.pairwise(times))
    variable = False
    if len(intervals) >= 2:
        low, high = intervals[len(intervals) // 10], intervals[len(intervals) * 9 // 10]
        variable = high > low * VARIABLE_SPREAD
    keyframes = sorted({time for time, key in frames if key})
    gaps = [b - a for a, b in itertools.pairwise(keyframes)]
    if keyframes and times:
        # The last keyframe's group runs to the last frame seen.
        gaps.append(times[-1] - keyframes[-1])
    longest = float(max(gaps) * time_base) if len(times) >= 2 and gaps else None
    return Timing(frames=len(times), variable=variable, keyframe_interval_seconds=longest)
