"""Posters: which frame, which way up, what size, and that the JPEG decodes."""

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits
from services.metadata.poster import PosterOptions, poster_size, render_poster
from tests.metadata.samples import remux
from tests.support.media import MediaSpec, make_faststart, make_media, make_truncated

LIMITS = MediaLimits()
FPS = 25


def decode_jpeg(data: bytes) -> npt.NDArray[np.uint8]:
    """The poster's pixels (height x width x RGB); fails unless it is a single JPEG."""
    with av.open(io.BytesIO(data)) as container:
        assert isinstance(container, InputContainer)
        assert container.format.name == "jpeg_pipe"
        assert container.streams.video[0].codec_context.name == "mjpeg"
        frames = list(container.decode(video=0))
    assert len(frames) == 1
    return np.asarray(frames[0].to_ndarray(format="rgb24"), dtype=np.uint8)


def is_frame(pixels: npt.NDArray[np.uint8], index: int) -> bool:
    """Whether these are the pixels of synthetic frame `index`: its blue is (index * 8) % 256."""
    return abs(float(pixels[..., 2].mean()) - (index * 8) % 256) < 3


def test_poster_is_a_jpeg_of_the_videos_size(sample_video: Path) -> None:
    poster = render_poster(sample_video, LIMITS, PosterOptions())

    pixels = decode_jpeg(poster.data)
    assert pixels.shape == (240, 320, 3)
    assert (poster.width, poster.height) == (320, 240)


@pytest.mark.parametrize(("position", "index"), [(0.0, 0), (0.1, 5), (0.5, 25), (0.99, 49)])
def test_poster_is_the_first_frame_at_its_position(
    sample_video: Path, position: float, index: int
) -> None:
    poster = render_poster(sample_video, LIMITS, PosterOptions(position=position))

    assert is_frame(decode_jpeg(poster.data), index)


@pytest.mark.parametrize(("position", "index"), [(0.1, 5), (0.6, 30), (0.97, 49)])
def test_seeking_works_when_timestamps_start_far_from_zero(
    far_start_ts: Path, position: float, index: int
) -> None:
    # MPEG-TS has no index: a seek lands between keyframes and must be retried earlier.
    poster = render_poster(far_start_ts, LIMITS, PosterOptions(position=position))

    assert is_frame(decode_jpeg(poster.data), index)


def test_poster_is_scaled_to_the_maximum_width(sample_video: Path) -> None:
    poster = render_poster(sample_video, LIMITS, PosterOptions(max_width=100))

    assert decode_jpeg(poster.data).shape == (74, 100, 3)


def test_rotated_video_gives_an_upright_poster(portrait_video: Path) -> None:
    pixels = decode_jpeg(render_poster(portrait_video, LIMITS, PosterOptions()).data)

    assert pixels.shape == (320, 240, 3)
    # Green grows downwards in the stored picture; turned clockwise, it grows leftwards.
    green = pixels[..., 1].astype(float)
    assert green[:, :20].mean() > green[:, -20:].mean() + 100


def test_non_square_pixels_give_a_square_pixel_poster(sample_video: Path, tmp_path: Path) -> None:
    wide = remux(sample_video, tmp_path / "wide.mp4", sample_aspect_ratio=Fraction(4, 3))

    pixels = decode_jpeg(render_poster(wide, LIMITS, PosterOptions()).data)

    assert pixels.shape == (240, 426, 3)


def test_odd_sizes_become_even(media_dir: Path) -> None:
    odd = make_media(
        media_dir / "odd.mp4", MediaSpec(width=314, height=274, audio=False, duration_seconds=0.4)
    )

    poster = render_poster(odd, LIMITS, PosterOptions(max_width=157))

    assert (poster.width, poster.height) == (156, 136)
    assert decode_jpeg(poster.data).shape == (136, 156, 3)


def test_the_same_frame_always_gives_the_same_bytes(sample_video: Path) -> None:
    first = render_poster(sample_video, LIMITS, PosterOptions())
    second = render_poster(sample_video, LIMITS, PosterOptions())

    assert first.data == second.data


def test_position_past_the_decodable_part_gives_the_last_decodable_frame(
    tmp_path: Path, faststart_video: Path
) -> None:
    # The index promises 2 s; the media data stops about half way.
    cut = make_truncated(faststart_video, tmp_path / "cut.mp4", keep=0.5)
    last_index = last_decodable_frame(cut)
    assert last_index < 0.95 * 2 * FPS

    poster = render_poster(cut, LIMITS, PosterOptions(position=0.95))

    assert is_frame(decode_jpeg(poster.data), last_index)


def last_decodable_frame(path: Path) -> int:
    """Index of the last frame plain PyAV decodes before the damage stops it."""
    last = -1
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        try:
            for frame in container.decode(stream):
                assert frame.pts is not None
                assert frame.time_base is not None
                last = round(frame.pts * frame.time_base * FPS)
        except av.error.FFmpegError:
            pass
    return last


def test_a_video_without_a_decodable_frame_has_no_poster(zeroed_video: Path) -> None:
    with pytest.raises(MediaError) as raised:
        render_poster(zeroed_video, LIMITS, PosterOptions())

    assert raised.value.error.code is JobErrorCode.NO_PLAYABLE_STREAM


def test_poster_of_an_index_first_copy_matches_the_original(
    tmp_path: Path, sample_video: Path
) -> None:
    copy = make_faststart(sample_video, tmp_path / "copy.mp4")

    assert render_poster(copy, LIMITS, PosterOptions()).data == (
        render_poster(sample_video, LIMITS, PosterOptions()).data
    )


@pytest.mark.parametrize(
    ("shown", "max_width", "expected"),
    [
        ((320, 240), 1280, (320, 240)),
        ((314, 273), 1280, (314, 272)),
        ((157, 137), 1280, (156, 136)),
        ((3026, 1386), 1280, (1280, 586)),
        ((2160, 3840), 1280, (1280, 2276)),
        ((1, 1), 1280, (2, 2)),
        ((240, 320_000), 1280, (4, 5120)),
    ],
)
def test_poster_size_keeps_the_shape_with_even_sides(
    shown: tuple[int, int], max_width: int, expected: tuple[int, int]
) -> None:
    assert poster_size(*shown, max_width) == expected
