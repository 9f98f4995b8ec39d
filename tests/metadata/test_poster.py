"""Posters: a representative frame (never black or blank), upright, at two widths, as JPEG."""

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits, display_geometry
from services.metadata.poster import PosterOptions, make_poster, poster_size, render_posters
from tests.metadata.samples import remux
from tests.support.media import MediaSpec, make_fade_in, make_media, make_truncated

LIMITS = MediaLimits()


def decode_jpeg(data: bytes) -> npt.NDArray[np.uint8]:
    """The poster's pixels (height x width x RGB); fails unless it is a single JPEG."""
    with av.open(io.BytesIO(data)) as container:
        assert isinstance(container, InputContainer)
        assert container.format.name == "jpeg_pipe"
        assert container.streams.video[0].codec_context.name == "mjpeg"
        frames = list(container.decode(video=0))
    assert len(frames) == 1
    return np.asarray(frames[0].to_ndarray(format="rgb24"), dtype=np.uint8)


def is_uniform(pixels: npt.NDArray[np.uint8]) -> bool:
    """Black, white or one flat colour: what a poster must never be."""
    return float(pixels.astype(float).std()) < 10


def test_two_jpegs_of_the_display_shape_widest_first(sample_video: Path, tmp_path: Path) -> None:
    posters = make_poster(sample_video, LIMITS, tmp_path, PosterOptions(small_width=160))

    assert [(p.path.name, p.width, p.height) for p in posters] == [
        ("poster-1280.jpg", 320, 240),
        ("poster-160.jpg", 160, 120),
    ]
    for poster in posters:
        pixels = decode_jpeg(poster.path.read_bytes())
        assert pixels.shape == (poster.height, poster.width, 3)
        assert not is_uniform(pixels)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["poster-1280.jpg", "poster-160.jpg"]


def test_a_video_that_starts_black_and_fades_in_gets_a_picture(tmp_path: Path) -> None:
    # Black for the first 4 s of 10, then a 2 s fade: the usual 10-30 % window is all black.
    clip = make_fade_in(tmp_path / "fade.mp4")

    large, _ = render_posters(clip, LIMITS)

    pixels = decode_jpeg(large.data)
    assert not is_uniform(pixels)
    # Full brightness (the checkerboard's 230), not a frame of the fade.
    assert np.percentile(pixels, 98) > 200


def test_the_sharpest_usable_keyframe_of_the_window_is_taken(sample_video: Path) -> None:
    # Every keyframe of the synthetic clip is usable: the first one in the window wins ties
    # only if it is the sharpest; either way it is a keyframe (0 s or 1 s), never the black.
    large, _ = render_posters(sample_video, LIMITS)

    blue = float(decode_jpeg(large.data)[..., 2].mean())
    assert min(abs(blue - 0), abs(blue - 200)) < 6  # frame 0 (blue 0) or frame 25 (blue 200)


def test_rotated_video_gives_an_upright_poster(portrait_video: Path) -> None:
    large, _ = render_posters(portrait_video, LIMITS)

    pixels = decode_jpeg(large.data)
    assert pixels.shape == (320, 240, 3)
    # Green grows downwards in the stored picture; turned clockwise, it grows leftwards.
    green = pixels[..., 1].astype(float)
    assert green[:, :20].mean() > green[:, -20:].mean() + 100


def test_non_square_pixels_give_a_square_pixel_poster(sample_video: Path, tmp_path: Path) -> None:
    wide = remux(sample_video, tmp_path / "wide.mp4", sample_aspect_ratio=Fraction(4, 3))

    large, _ = render_posters(wide, LIMITS)

    assert decode_jpeg(large.data).shape == (240, 426, 3)


def test_odd_sizes_become_even(media_dir: Path) -> None:
    odd = make_media(
        media_dir / "odd.mp4", MediaSpec(width=314, height=274, audio=False, duration_seconds=0.4)
    )

    large, _ = render_posters(odd, LIMITS, PosterOptions(max_width=157))

    assert (large.width, large.height) == (156, 136)
    assert decode_jpeg(large.data).shape == (136, 156, 3)


def test_the_same_video_always_gives_the_same_bytes(sample_video: Path) -> None:
    assert render_posters(sample_video, LIMITS) == render_posters(sample_video, LIMITS)


@pytest.mark.parametrize("position", [0.1, 0.6])
def test_seeking_works_when_timestamps_start_far_from_zero(
    far_start_ts: Path, position: float
) -> None:
    # MPEG-TS has no index: a seek can land past the keyframe and is retried earlier.
    large, _ = render_posters(far_start_ts, LIMITS, PosterOptions(position=position))

    assert not is_uniform(decode_jpeg(large.data))


def test_a_damaged_tail_still_gives_a_poster(tmp_path: Path, faststart_video: Path) -> None:
    # The index promises 2 s; the media data stops about half way.
    cut = make_truncated(faststart_video, tmp_path / "cut.mp4", keep=0.5)

    large, _ = render_posters(cut, LIMITS, PosterOptions(position=0.9, window=0.05))

    assert decode_jpeg(large.data).shape == (240, 320, 3)


@pytest.mark.parametrize("fixture", ["zeroed_video", "sample_audio_only"])
def test_no_poster_without_a_decodable_video_frame(
    request: pytest.FixtureRequest, fixture: str, tmp_path: Path
) -> None:
    with pytest.raises(MediaError) as raised:
        make_poster(request.getfixturevalue(fixture), LIMITS, tmp_path)

    assert raised.value.error.code is JobErrorCode.NO_PLAYABLE_STREAM
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_poster_leaves_nothing(sample_video: Path, tmp_path: Path) -> None:
    class StopRequestedError(Exception):
        pass

    calls = []

    def cancel_on_third() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise StopRequestedError

    with pytest.raises(StopRequestedError):
        make_poster(sample_video, LIMITS, tmp_path, checkpoint=cancel_on_third)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("shown", "max_width", "expected"),
    [
        ((320, 240), 1280, (320, 240)),
        ((314, 273), 1280, (314, 272)),
        ((157, 137), 1280, (156, 136)),
        ((3026, 1386), 1280, (1280, 586)),
        ((2160, 3840), 1280, (1280, 2276)),
        ((1920, 1080), 320, (320, 180)),
        ((1, 1), 1280, (2, 2)),
        ((240, 320_000), 1280, (4, 5120)),
    ],
)
def test_poster_size_keeps_the_shape_with_even_sides(
    shown: tuple[int, int], max_width: int, expected: tuple[int, int]
) -> None:
    assert poster_size(display_geometry(*shown), max_width) == expected
