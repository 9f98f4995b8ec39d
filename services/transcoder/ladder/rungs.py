"""Which renditions a source gets: the ladder's rungs, by the picture's shorter side.

Pure arithmetic on sizes, so every corner case is a unit test. A rung is named
after its shorter side (`720p` is 1280x720 and 720x1280 alike), never exceeds the
source (no upscaling), keeps the display aspect ratio and has even sides.
"""

from dataclasses import dataclass
from fractions import Fraction

from services.common.media import even_size

MAX_LONG_SIDE = 4096
"""Bound on the longer side, so an extreme panorama stays a sane H.264 picture."""
OWN_RUNG_MARGIN = Fraction(85, 100)
"""A source between two standard rungs gets its own top rung; standard rungs above
this share of its size are dropped as near duplicates (486p makes 480p pointless)."""


@dataclass(frozen=True)
class RungSpec:
    """One standard rung and its rate control (capped-quality CRF)."""

    short_side: int
    max_bitrate: int
    """x264 `maxrate`, bits per second (VBV cap at 30 fps; scaled for higher rates)."""
    buffer_size: int
    """x264 `bufsize`, bits: how long the rate may exceed `max_bitrate` on average."""


DEFAULT_RUNGS: tuple[RungSpec, ...] = (
    # Caps close to Apple's HLS authoring spec and common public ladders (30 fps);
    # buffers of 2x the cap let a scene change borrow about two seconds of rate.
    RungSpec(1080, 6_000_000, 12_000_000),
    RungSpec(720, 3_000_000, 6_000_000),
    RungSpec(480, 1_500_000, 3_000_000),
    RungSpec(360, 800_000, 1_600_000),
    RungSpec(240, 400_000, 800_000),
)


@dataclass(frozen=True)
class Rung:
    """A rung planned for one source: its picture size and rate caps."""

    name: str
    width: int
    height: int
    max_bitrate: int
    buffer_size: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def plan_rungs(
    display_width: Fraction | int,
    display_height: Fraction | int,
    specs: tuple[RungSpec, ...] = DEFAULT_RUNGS,
    *,
    high_rate_factor: Fraction = Fraction(1),
) -> list[Rung]:
    """The rungs of a source shown at `display_width` x `display_height` (square pixels, upright).

    Largest first. Standard rungs at or below the source's shorter side; a source whose
    shorter side lies between two standard rungs (or below the smallest) also gets its
    own rung at its own size. `high_rate_factor` scales the caps (above 30 fps).
    """
    width, height = Fraction(display_width), Fraction(display_height)
    if width <= 0 or height <= 0:
        raise ValueError(f"picture size must be positive, got {width}x{height}")
    ordered = sorted(specs, key=lambda spec: spec.short_side, reverse=True)
    if not ordered:
        raise ValueError("a ladder needs at least one rung")
    short, long = min(width, height), max(width, height)
    fitting = [spec for spec in ordered if spec.short_side <= short]
    chosen: list[tuple[Fraction, RungSpec]] = [
        (Fraction(spec.short_side), spec) for spec in fitting
    ]
    fit = min(Fraction(1), MAX_LONG_SIDE / long)
    source_short = min(even_size(width * fit, height * fit))
    if source_short < ordered[0].short_side and source_short not in {s for s, _ in chosen}:
        # Between rungs (or below the smallest): a rung at the source's own size, with the
        # caps of the next standard rung up scaled by the pixel count.
        above = min(
            (spec for spec in ordered if spec.short_side > source_short),
            key=lambda spec: spec.short_side,
        )
        share = Fraction(source_short, above.short_side) ** 2
        own = RungSpec(source_short, int(above.max_bitrate * share), int(above.buffer_size * share))
        # Its own display size, scaled only to the long-side bound: by the shared even-size
        # rule, the size the metadata probe reports.
        chosen = [(short * fit, own)] + [
            (side, spec) for side, spec in chosen if side <= source_short * OWN_RUNG_MARGIN
        ]
    return [_rung(side, spec, width, height, high_rate_factor) for side, spec in chosen]


def _rung(
    short_side: Fraction, spec: RungSpec, width: Fraction, height: Fraction, factor: Fraction
) -> Rung:
    short, long = min(width, height), max(width, height)
    scale = min(Fraction(1), short_side / short, MAX_LONG_SIDE / long)
    out_width, out_height = even_size(width * scale, height * scale)
    return Rung(
        name=f"{min(out_width, out_height)}p",
        width=out_width,
        height=out_height,
        max_bitrate=int(spec.max_bitrate * factor),
        buffer_size=int(spec.buffer_size * factor),
    )


def download_rung(rungs: list[Rung], short_side: int = 720) -> Rung:
    """The rung the MP4 download is muxed from: `short_side`, else the largest below it."""
    below = [rung for rung in rungs if rung.short_side <= short_side]
    if below:
        return max(below, key=lambda rung: rung.short_side)
    return min(rungs, key=lambda rung: rung.short_side)
