"""The probe and the transcoder see one upright picture.

For rotated (display matrix), anamorphic (non-square pixels), interlaced and
variable-frame-rate sources, and for every readable file of the shared corpus,
the display size the metadata probe reports is the size of the ladder's top
rung, decoded back here with plain PyAV: equal up to the even sides H.264
needs, or, where the rung is capped, the same orientation and the same shape
within a pixel of rounding. Both sides also agree on the frame rate (the
ladder's constant rate is the probed one, snapped to a standard rate), and the
picture really is turned the way the probe's rotation says.
"""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from contracts.media import VideoStreamInfo
from contracts.outputs import OutputKind
from services.common.media import DEINTERLACER, MediaLimits, standard_rate
from services.metadata.probe import probe_media
from services.transcoder.ladder import DEFAULT_RUNGS, LadderOptions, LadderOutput, encode_ladder
from services.transcoder.ladder.rungs import MAX_LONG_SIDE
from services.transcoder.ladder.source import probe_source
from tests.support.ladder import join_rendition
from tests.support.media import (
    SHARED_MEDIA_DIR,
    VideoSource,
    corpus_files,
    first_frame,
    write_source,
)

LIMITS = MediaLimits()
OPTIONS = LadderOptions(preset="ultrafast")
TOP_SHORT_SIDE = max(rung.short_side for rung in DEFAULT_RUNGS)
SHORT = tuple(index / 25 for index in range(6))
"""Six frames at 25 fps: enough to encode, quick to decode."""


def render(source: Path, folder: Path) -> tuple[LadderOutput, Path]:
    """Encode the source's ladder into `folder`; its top rung, joined into one file."""
    result = encode_ladder(source, folder / "ladder", OPTIONS, limits=LIMITS)
    top = next(output for output in result.ready if output.kind is OutputKind.HLS_VIDEO)
    assert top.path is not None
    return top, join_rendition(result, top.path, folder / "top.mp4").path


def assert_same_picture(shown: VideoStreamInfo, rendition: tuple[int, int]) -> None:
    """The rendition is the probe's display size, capped and with even sides."""
    display = (shown.display_width, shown.display_height)
    width, height = rendition
    assert width % 2 == height % 2 == 0
    if min(display) <= TOP_SHORT_SIDE and max(display) <= MAX_LONG_SIDE:
        # Uncapped: an odd display side is one pixel shorter, never longer.
        assert rendition == (display[0] - display[0] % 2, display[1] - display[1] % 2)
        return
    assert min(rendition) <= TOP_SHORT_SIDE
    assert (width > height, width < height) == (display[0] > display[1], display[0] < display[1])
    # The display shape lies within what rounding each side by one pixel allows.
    aspect = Fraction(*display)
    assert Fraction(width - 1, height + 1) <= aspect <= Fraction(width + 1, height - 1)


def probe_and_render(source: Path, folder: Path) -> tuple[VideoStreamInfo, Path]:
    shown = probe_media(source, LIMITS).video
    assert shown is not None
    top, output = render(source, folder)
    assert shown.frame_rate is not None
    assert top.frame_rate is not None
    probed = standard_rate(Fraction(shown.frame_rate).limit_denominator(1001))
    assert float(top.frame_rate) == pytest.approx(float(min(probed, Fraction(60))), abs=1e-3)
    picture = first_frame(output)
    assert picture.rotation == 0
    assert (picture.width, picture.height) == (top.width, top.height)
    assert_same_picture(shown, (picture.width, picture.height))
    return shown, output


@pytest.mark.parametrize(
    ("rotation", "display", "stripe"),
    [(-90, (240, 320), "right"), (180, (320, 240), "bottom"), (90, (240, 320), "left")],
)
def test_a_rotated_picture_is_shown_as_the_probe_says(
    tmp_path: Path, rotation: int, display: tuple[int, int], stripe: str
) -> None:
    source = write_source(
        tmp_path / "rotated.mp4",
        VideoSource(frame_times=SHORT, rotation=rotation, top_stripe=True, audio_layout=None),
    )

    shown, output = probe_and_render(source, tmp_path)

    assert (shown.display_width, shown.display_height) == display
    assert shown.rotation == rotation
    # The stored picture's white top edge ends where that turn puts it.
    luma = first_frame(output).reformat(format="gray").to_ndarray().astype(float)
    edges = {
        "top": luma[:20],
        "bottom": luma[-20:],
        "left": luma[:, :20],
        "right": luma[:, -20:],
    }
    assert {side for side, pixels in edges.items() if np.mean(pixels) > 200} == {stripe}


@pytest.mark.parametrize(
    ("coded", "ratio", "rotation", "display"),
    [
        ((320, 240), Fraction(4, 3), 0, (427, 240)),
        ((352, 288), Fraction(12, 11), 0, (384, 288)),
        ((360, 240), Fraction(8, 9), 0, (320, 240)),
        ((320, 240), Fraction(4, 3), -90, (240, 427)),
        ((320, 240), Fraction(1000), 0, (320, 240)),
        ((1440, 1080), Fraction(4, 3), 0, (1920, 1080)),
    ],
    ids=["wide", "pal", "narrow", "wide-turned", "bogus", "hdv-capped"],
)
def test_non_square_pixels_give_the_probed_display_size(
    tmp_path: Path,
    coded: tuple[int, int],
    ratio: Fraction,
    rotation: int,
    display: tuple[int, int],
) -> None:
    width, height = coded
    source = write_source(
        tmp_path / "anamorphic.mp4",
        VideoSource(
            width=width,
            height=height,
            frame_times=SHORT[:3],
            sample_aspect_ratio=ratio,
            rotation=rotation,
            audio_layout=None,
        ),
    )

    shown, _ = probe_and_render(source, tmp_path)

    assert (shown.width, shown.height) == coded
    assert (shown.display_width, shown.display_height) == display


def test_an_interlaced_picture_is_deinterlaced_at_the_probed_size(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "interlaced.mp4", VideoSource(frame_times=SHORT, interlaced=True)
    )
    assert first_frame(source).interlaced_frame

    shown, output = probe_and_render(source, tmp_path)

    assert DEINTERLACER in probe_source(source, LIMITS).upright
    assert not first_frame(output).interlaced_frame
    assert (shown.display_width, shown.display_height) == (320, 240)


@pytest.mark.parametrize(
    ("container_format", "declared_rate"), [("mp4", 25), ("matroska", 25), ("matroska", 1000)]
)
def test_a_variable_frame_rate_has_one_rate_and_the_probed_size(
    tmp_path: Path, container_format: str, declared_rate: int
) -> None:
    # A declared 1000 fps (Matroska's millisecond time base) makes both sides measure.
    source = write_source(
        tmp_path / f"vfr.{container_format}",
        VideoSource(
            width=322,
            height=182,
            frame_times=(0.0, 0.04, 0.06, 0.3, 0.31, 0.9, 1.0, 1.5, 2.7),
            last_frame_seconds=0.5,
            declared_rate=declared_rate,
            container_format=container_format,
        ),
    )

    shown, _ = probe_and_render(source, tmp_path)

    assert (shown.display_width, shown.display_height) == (322, 182)
    assert shown.frame_rate is not None
    assert 0 < shown.frame_rate <= 25


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", [name for name in corpus_files() if not name.startswith("broken_")]
)
def test_every_corpus_video_is_rendered_at_the_probed_size(tmp_path: Path, name: str) -> None:
    source = SHARED_MEDIA_DIR / name
    if probe_media(source, LIMITS).video is None:
        pytest.skip("audio only: no picture to compare")

    probe_and_render(source, tmp_path)
