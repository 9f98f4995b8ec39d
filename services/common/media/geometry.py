"""How a stored picture is shown: its pixel shape, its turn, and the size it has upright.

One rule, used by the metadata probe (the display size it reports), the poster
and the transcoder (the size of the rendition), so the three always agree:

1. Pixel shape. A stream's sample aspect ratio (SAR) is the container's value,
   else the codec's, else square. Real anamorphic pixels stay within 1:4..4:1
   (DV is 64:45 or 8:9, HDV 4:3); a value outside that is damage, or a trap to
   make the shown picture enormous, and is treated as square.
2. Stretch. Non-square pixels widen (or narrow) the picture: the display width
   is the coded width times the SAR, rounded to the nearest pixel; the height
   is the coded height. Browsers and FFmpeg show anamorphic video this way.
3. Turn. The display matrix's angle rounds to a quarter turn; an odd number of
   quarter turns swaps the stretched width and height.
4. Output sizes. Where an encoder needs 4:2:0 chroma, each side of the display
   size (scaled down to a bound, never up) is rounded to the nearest even
   number, an odd whole number rounding down: a side is never enlarged past
   the display size or the bound, and moves by at most one pixel.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from av.video.frame import VideoFrame
from av.video.stream import VideoStream

MIN_SAMPLE_ASPECT_RATIO = Fraction(1, 4)
MAX_SAMPLE_ASPECT_RATIO = Fraction(4)
_MIN_EVEN_SIDE = 2


@dataclass(frozen=True)
class DisplayGeometry:
    """A stored picture and how it is shown upright."""

    coded_width: int
    coded_height: int
    sample_aspect_ratio: Fraction
    """Pixel shape, width over height, after the clamp of rule 1 (1 for square pixels)."""
    quarter_turns: int
    """Clockwise quarter turns (0 to 3) that make the stored picture upright."""

    @property
    def rotation(self) -> int:
        """The turn in FFmpeg's display-matrix sign: -90, 0, 90 or 180.

        A phone held upright stores a landscape picture with rotation -90: one
        clockwise quarter turn shows it upright.
        """
        return {0: 0, 1: -90, 2: 180, 3: 90}[self.quarter_turns]

    @property
    def stretched_width(self) -> int:
        """The coded width with non-square pixels stretched to square ones, before the turn."""
        return max(1, round(self.coded_width * self.sample_aspect_ratio))

    @property
    def display_width(self) -> int:
        """Width as shown: stretched, then turned."""
        return self.coded_height if self.quarter_turns % 2 else self.stretched_width

    @property
    def display_height(self) -> int:
        """Height as shown: stretched, then turned."""
        return self.stretched_width if self.quarter_turns % 2 else self.coded_height

    def fit(
        self,
        *,
        max_width: int | None = None,
        max_height: int | None = None,
        max_short_side: int | None = None,
        max_long_side: int | None = None,
    ) -> tuple[int, int]:
        """The display size scaled down (never up) to respect every given bound, even sides."""
        width, height = self.display_width, self.display_height
        short, long = sorted((width, height))
        scale = min(
            Fraction(1),
            *(
                Fraction(bound, side)
                for bound, side in (
                    (max_width, width),
                    (max_height, height),
                    (max_short_side, short),
                    (max_long_side, long),
                )
                if bound is not None
            ),
        )
        return even_size(width * scale, height * scale)


def display_geometry(
    width: int,
    height: int,
    *,
    sample_aspect_ratio: Fraction | None = None,
    rotation: float = 0,
) -> DisplayGeometry:
    """The geometry of a `width` x `height` stored picture with this pixel shape and angle.

    `rotation` is a display-matrix angle as `VideoFrame.rotation` reports it
    (counterclockwise degrees: -90 means turn clockwise once); it rounds to the
    nearest quarter turn.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"picture size must be positive, got {width}x{height}")
    return DisplayGeometry(
        coded_width=width,
        coded_height=height,
        sample_aspect_ratio=_plausible(sample_aspect_ratio) or Fraction(1),
        quarter_turns=round(-rotation / 90) % 4,
    )


def picture_geometry(stream: VideoStream, frame: VideoFrame) -> DisplayGeometry:
    """The geometry of a stream, read from its headers and a decoded frame of it.

    The frame gives the decoded size and the rotation: the display matrix is
    side data of frames (phones write no `rotate` tag any more).
    """
    return display_geometry(
        frame.width,
        frame.height,
        sample_aspect_ratio=declared_sample_aspect_ratio(stream),
        rotation=frame.rotation,
    )


def declared_sample_aspect_ratio(stream: VideoStream) -> Fraction:
    """The pixel shape of rule 1: the container's, else the codec's, else square."""
    for ratio in (stream.sample_aspect_ratio, stream.codec_context.sample_aspect_ratio):
        plausible = _plausible(ratio)
        if plausible is not None:
            return plausible
    return Fraction(1)


def even_size(width: Fraction | int, height: Fraction | int) -> tuple[int, int]:
    """Each side rounded to the nearest even number (an odd whole number down), at least 2."""
    return _even(Fraction(width)), _even(Fraction(height))


def _even(side: Fraction) -> int:
    return max(_MIN_EVEN_SIDE, 2 * math.ceil((side - 1) / 2))


def _plausible(ratio: Fraction | None) -> Fraction | None:
    if ratio is None or not MIN_SAMPLE_ASPECT_RATIO <= ratio <= MAX_SAMPLE_ASPECT_RATIO:
        return None
    return Fraction(ratio)
