"""The upright geometry's rules, one by one, as arithmetic and as filter steps."""

from fractions import Fraction

import pytest

from services.common.media import (
    DEINTERLACER,
    H264_PICTURE,
    JPEG_PICTURE,
    display_geometry,
    even_size,
    upright_filters,
)


@pytest.mark.parametrize(
    ("rotation", "turns", "degrees"),
    [
        (0, 0, 0),
        (-90, 1, -90),
        (270, 1, -90),
        (180, 2, 180),
        (-180, 2, 180),
        (90, 3, 90),
        (-270, 3, 90),
        (-89.6, 1, -90),
        (44, 0, 0),
    ],
)
def test_a_display_matrix_angle_rounds_to_clockwise_quarter_turns(
    rotation: float, turns: int, degrees: int
) -> None:
    geometry = display_geometry(640, 480, rotation=rotation)

    assert geometry.quarter_turns == turns
    assert geometry.rotation == degrees


def test_non_square_pixels_stretch_the_width_then_the_picture_turns() -> None:
    pal_wide = display_geometry(720, 576, sample_aspect_ratio=Fraction(64, 45))
    assert (pal_wide.display_width, pal_wide.display_height) == (1024, 576)

    turned = display_geometry(720, 576, sample_aspect_ratio=Fraction(16, 15), rotation=-90)
    assert (turned.display_width, turned.display_height) == (576, 768)

    ntsc = display_geometry(720, 480, sample_aspect_ratio=Fraction(8, 9), rotation=180)
    assert (ntsc.display_width, ntsc.display_height) == (640, 480)


@pytest.mark.parametrize("ratio", [Fraction(1000), Fraction(1, 5), Fraction(0), None])
def test_a_bogus_or_missing_pixel_shape_counts_as_square(ratio: Fraction | None) -> None:
    geometry = display_geometry(320, 240, sample_aspect_ratio=ratio)

    assert geometry.sample_aspect_ratio == 1
    assert (geometry.display_width, geometry.display_height) == (320, 240)


def test_the_clamp_keeps_the_extreme_real_pixel_shapes() -> None:
    assert display_geometry(100, 100, sample_aspect_ratio=Fraction(4)).display_width == 400
    assert display_geometry(100, 100, sample_aspect_ratio=Fraction(1, 4)).display_width == 25


def test_a_picture_without_pixels_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        display_geometry(0, 240)


@pytest.mark.parametrize(
    ("size", "even"),
    [
        ((320, 240), (320, 240)),
        ((321, 273), (320, 272)),
        ((Fraction(853, 2), Fraction(2399, 10)), (426, 240)),
        ((Fraction(4275, 10), 1), (428, 2)),
        ((0, 1), (2, 2)),
    ],
)
def test_even_sizes_round_to_the_nearest_even_side_an_odd_one_down(
    size: tuple[Fraction | int, Fraction | int], even: tuple[int, int]
) -> None:
    assert even_size(*size) == even


@pytest.mark.parametrize(
    ("coded", "ratio", "rotation", "bounds", "fitted"),
    [
        ((320, 240), None, 0, {"max_short_side": 720}, (320, 240)),
        ((1920, 1080), None, 0, {"max_short_side": 720}, (1280, 720)),
        ((1920, 1080), None, -90, {"max_short_side": 720}, (720, 1280)),
        ((3026, 1386), None, 0, {"max_short_side": 720, "max_long_side": 4096}, (1572, 720)),
        ((8000, 100), None, 0, {"max_short_side": 720, "max_long_side": 4096}, (4096, 52)),
        ((1440, 1080), Fraction(4, 3), 0, {"max_short_side": 720}, (1280, 720)),
        ((314, 273), None, 0, {"max_width": 1280, "max_height": 5120}, (314, 272)),
        ((3840, 2160), None, -90, {"max_width": 1280, "max_height": 5120}, (1280, 2276)),
    ],
)
def test_fitting_scales_down_to_every_bound_and_never_up(
    coded: tuple[int, int],
    ratio: Fraction | None,
    rotation: int,
    bounds: dict[str, int],
    fitted: tuple[int, int],
) -> None:
    geometry = display_geometry(*coded, sample_aspect_ratio=ratio, rotation=rotation)

    assert geometry.fit(**bounds) == fitted


@pytest.mark.parametrize(
    ("rotation", "turn"),
    [
        (0, []),
        (-90, [("transpose", "clock")]),
        (180, [("hflip", ""), ("vflip", "")]),
        (90, [("transpose", "cclock")]),
    ],
)
def test_the_filters_deinterlace_turn_then_scale_to_square_pixels(
    rotation: int, turn: list[tuple[str, str]]
) -> None:
    geometry = display_geometry(320, 240, rotation=rotation)

    steps = upright_filters(geometry, (64, 48), deinterlace=True, picture=H264_PICTURE)

    assert steps == [
        DEINTERLACER,
        *turn,
        ("scale", "64:48:out_range=tv"),
        ("setsar", "1"),
        ("format", "yuv420p"),
    ]


def test_progressive_pictures_are_not_deinterlaced_and_jpeg_is_full_range_bt601() -> None:
    steps = upright_filters(
        display_geometry(320, 240), (320, 240), deinterlace=False, picture=JPEG_PICTURE
    )

    assert steps == [
        ("scale", "320:240:out_range=pc:out_color_matrix=bt601"),
        ("setsar", "1"),
        ("format", "yuvj420p"),
    ]
