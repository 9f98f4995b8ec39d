"""The one frame-rate rule: what a stream's frames per second really are.

1. The stream's average rate (frames over duration, from the index) when it
   is plausible (0 to 240 fps). For a variable-rate MP4 that is the honest
   average, which is what the probe reports and what rate control needs.
2. Otherwise, given the container, the rate measured from packet timestamps:
   Matroska and FLV report 1000 fps (their millisecond time base) and guess
   the field rate, often twice the real one. Even intervals (constant rate)
   give the median interval's rate, snapped to a standard rate within 2 %;
   uneven ones (variable rate) give the average over the sample.
3. Otherwise the demuxer's guessed or base rate, when plausible; else none.

The probe reports this rate; the transcoder's constant output rate is it
snapped by `standard_rate` (an average within 2 % of a standard rate is that
rate), capped.
"""

import itertools
from fractions import Fraction

import av.error
from av.container import InputContainer
from av.video.stream import VideoStream

MAX_PLAUSIBLE_RATE = 240
STANDARD_RATES = tuple(
    Fraction(rate)
    for rate in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001", "60")
)
_SNAP_TOLERANCE = Fraction(2, 100)
_SAMPLE_PACKETS = 120
_VARIABLE_SPREAD = 2
"""Intervals whose 90th percentile exceeds twice their 10th make a variable rate."""


def frame_rate(stream: VideoStream, container: InputContainer | None = None) -> Fraction | None:
    """A usable frame rate by the rule above.

    With the container, an implausible average is measured by demuxing up to
    120 packets onward from the container's current position.
    """
    average = _plausible(stream.average_rate)
    if average is not None:
        return average
    if container is not None:
        measured = _measured(container, stream)
        if measured is not None:
            return measured
    for rate in (stream.guessed_rate, stream.base_rate):
        plausible = _plausible(rate)
        if plausible is not None:
            return plausible
    return None


def _measured(container: InputContainer, stream: VideoStream) -> Fraction | None:
    times: list[Fraction] = []
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None and packet.size:
                times.append(packet.pts * packet.time_base)
            if len(times) >= _SAMPLE_PACKETS:
                break
    except av.error.FFmpegError:
        return None
    times = sorted(set(times))
    intervals = sorted(b - a for a, b in itertools.pairwise(times))
    if not intervals:
        return None
    low, high = intervals[len(intervals) // 10], intervals[len(intervals) * 9 // 10]
    if high > low * _VARIABLE_SPREAD:
        return _plausible((len(times) - 1) / (times[-1] - times[0]))
    rate = standard_rate(1 / intervals[len(intervals) // 2])
    return rate if rate in STANDARD_RATES else _plausible(rate.limit_denominator(1001))


def standard_rate(rate: Fraction) -> Fraction:
    """The standard rate within 2 % of `rate` (a phone's 29.87 fps average is 29.97), else
    `rate` itself: what a constant output rate is made from."""
    nearest = min(STANDARD_RATES, key=lambda standard: abs(rate - standard))
    return nearest if abs(rate - nearest) <= nearest * _SNAP_TOLERANCE else rate


def _plausible(rate: Fraction | float | None) -> Fraction | None:
    if not rate or not 0 < rate <= MAX_PLAUSIBLE_RATE:
        return None
    return Fraction(rate).limit_denominator(1001)
