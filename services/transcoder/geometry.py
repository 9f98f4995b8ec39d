"""Where each source picture ends up: turned upright, scaled, with even sides.

Pure arithmetic on sizes and angles, so every corner case is a unit test.
"""

from dataclasses import dataclass
from fractions import Fraction

MAX_LONG_SIDE = 4096
"""Bound on the longer output side, so an extreme panorama stays a sane H.264 picture."""


@dataclass(frozen=True)
class Geometry:
    """The output picture of a video rendition."""

    width: int
    height: int
    quarter_turns: int
    """Clockwise quarter turns that make a stored source picture upright (0 to 3)."""

    @property
    def short_side(self) -> int:
        """What the rendition is named after: 720 for both 1280x720 and 720x1280."""
        return min(self.width, self.height)


def clockwise_quarter_turns(rotation: float) -> int:
    """Turns for a `VideoFrame.rotation`, which counts the display rotation counterclockwise.

    Phones store a portrait recording as a landscape picture with rotation -90:
    one clockwise turn shows it upright. Angles round to the nearest quarter.
    """
    return round(-rotation / 90) % 4


def plan_geometry(
    width: int,
    height: int,
    *,
    rotation: float = 0,
    sample_aspect_ratio: Fraction | None = None,
    max_short_side: int,
) -> Geometry:
    """Output size of a `width` x `height` source: upright, shorter side capped, even sides.

    Non-square pixels are stretched to square ones first; the aspect ratio is
    kept, and a source already smaller than the cap keeps its size.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"picture size must be positive, got {width}x{height}")
    display_width = Fraction(width)
    if sample_aspect_ratio is not None and sample_aspect_ratio > 0:
        display_width *= sample_aspect_ratio
    display_height = Fraction(height)
    turns = clockwise_quarter_turns(rotation)
    if turns % 2:
        display_width, display_height = display_height, display_width
    short, long = sorted((display_width, display_height))
    scale = min(Fraction(1), max_short_side / short, MAX_LONG_SIDE / long)
    return Geometry(
        width=_even(display_width * scale),
        height=_even(display_height * scale),
        quarter_turns=turns,
    )


def _even(size: Fraction) -> int:
    # 4:2:0 chroma needs even sides; rounding down the rounded size never upscales.
    return max(2, round(size) // 2 * 2)


def filter_chain(geometry: Geometry, *, deinterlace: bool) -> list[tuple[str, str]]:
    """The libavfilter steps, in order, that turn a decoded source picture into an output one."""
    steps = upright_steps(geometry.quarter_turns, deinterlace)
    steps += [
        # Full-range sources (yuvj*, camera MJPEG) become the limited range players assume.
        ("scale", f"{geometry.width}:{geometry.height}:out_range=tv"),
        ("setsar", "1"),
        ("format", "yuv420p"),
    ]
    return steps


def upright_steps(quarter_turns: int, deinterlace: bool) -> list[tuple[str, str]]:
    """The libavfilter steps that turn a decoded source picture upright, before any scaling."""
    steps: list[tuple[str, str]] = []
    if deinterlace:
        # Only frames flagged interlaced are touched; one output frame per input frame
        # keeps the source's timestamps.
        steps.append(("yadif", "mode=send_frame:parity=auto:deint=interlaced"))
    match quarter_turns % 4:
        case 1:
            steps.append(("transpose", "clock"))
        case 2:
            steps += [("hflip", ""), ("vflip", "")]
        case 3:
            steps.append(("transpose", "cclock"))
    return steps
