"""Whether a frame is worth showing: not black, not blank, and how sharp it is.

Measured on a small grey copy (fast, and noise-tolerant): black and fade-out
frames are dark almost everywhere, blank ones (title cards in one colour, the
flat middle of a cross-fade) have little contrast; among the rest, the frame
with the most edge energy is the sharpest.
"""

from dataclasses import dataclass

import numpy as np
from av.video.frame import VideoFrame

SAMPLE_WIDTH = 160
DARK_LEVEL = 40
"""A frame whose 98th-percentile grey is below this (of 255) is black or fading."""
MIN_CONTRAST = 10.0
"""A frame whose grey standard deviation is below this is blank (one flat colour)."""


@dataclass(frozen=True)
class FrameScore:
    """What a frame looks like, summarised."""

    bright: float
    """98th-percentile grey level, 0 to 255."""
    contrast: float
    """Standard deviation of the grey levels."""
    sharpness: float
    """Mean absolute difference between neighbouring pixels."""

    @property
    def usable(self) -> bool:
        """Neither black, fading, nor blank."""
        return self.bright >= DARK_LEVEL and self.contrast >= MIN_CONTRAST


def score(frame: VideoFrame) -> FrameScore:
    """Score a decoded frame (any pixel format, stored shape: rotation does not matter)."""
    height = max(2, round(frame.height * SAMPLE_WIDTH / max(frame.width, 1)))
    grey = frame.reformat(width=SAMPLE_WIDTH, height=height, format="gray").to_ndarray()
    pixels = grey.astype(np.float32)
    edges = np.abs(np.diff(pixels, axis=0)).mean() + np.abs(np.diff(pixels, axis=1)).mean()
    return FrameScore(
        bright=float(np.percentile(pixels, 98)),
        contrast=float(pixels.std()),
        sharpness=float(edges),
    )
