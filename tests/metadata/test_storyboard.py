"""Storyboards: how many thumbnails, a sprite the VTT points into, made by seeking."""

import io
import math
from pathlib import Path

import av
import pytest
from av.container import InputContainer

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits
from services.metadata.storyboard import (
    StoryboardOptions,
    StoryboardPlan,
    make_storyboard,
    webvtt,
)
from tests.support.media import MediaSpec, check_storyboard, make_media, parse_vtt

LIMITS = MediaLimits()


@pytest.mark.parametrize(
    ("duration", "count"),
    [
        (0.1, 1),
        (3.9, 1),
        (5.0, 2),
        (30.0, 15),
        (23.0, 11),
        (200.0, 100),
        (1000.0, 100),
        (7200.0, 100),
    ],
)
def test_about_100_thumbnails_and_one_per_10_s_or_more_often_up_to_1000_s(
    duration: float, count: int
) -> None:
    plan = StoryboardPlan.for_duration(duration, StoryboardOptions())

    assert plan.count == count
    assert plan.interval_seconds * plan.count == pytest.approx(duration)
    if duration <= 1000:
        assert plan.interval_seconds <= 10
    assert plan.interval_seconds >= min(duration, 2.0)


def test_cues_cover_the_duration_in_order_and_point_into_the_grid() -> None:
    plan = StoryboardPlan.for_duration(25.0, StoryboardOptions())
    text = webvtt(plan, (160, 90), columns=10, sprite_url="storyboard.jpg")

    cues = parse_vtt(text)

    assert len(cues) == 12
    assert [cue.rect for cue in cues[:2]] == [(0, 0, 160, 90), (160, 0, 160, 90)]
    assert cues[10].rect == (0, 90, 160, 90)
    assert cues[-1].end == 25.0


def test_a_sprite_and_a_vtt_that_agree(sample_long_video: Path, tmp_path: Path) -> None:
    board = make_storyboard(sample_long_video, LIMITS, tmp_path)

    assert (board.count, board.columns, board.tile_width, board.tile_height) == (10, 10, 160, 90)
    assert board.interval_seconds == pytest.approx(2.0)
    cues = check_storyboard(board.vtt, board.sprite, duration=20.0)
    assert len(cues) == board.count
    assert sorted(path.name for path in tmp_path.iterdir()) == ["storyboard.jpg", "storyboard.vtt"]


def test_each_tile_is_the_keyframe_at_or_before_its_slice(
    sample_long_video: Path, tmp_path: Path
) -> None:
    # make_media draws blue (index * 8) % 256 and a keyframe every second (25 frames);
    # slice i covers [2i, 2i + 2) s and shows the keyframe at 2i + 1 s, frame 25 (2i + 1).
    board = make_storyboard(sample_long_video, LIMITS, tmp_path)

    with av.open(io.BytesIO(board.sprite.read_bytes())) as container:
        assert isinstance(container, InputContainer)
        sprite = next(container.decode(video=0)).to_ndarray(format="rgb24")
    for index in range(board.count):
        tile = sprite[:90, index * 160 : (index + 1) * 160, 2].astype(float)
        expected = (25 * (2 * index + 1) * 8) % 256
        assert abs(tile.mean() - expected) < 8, index


def test_a_portrait_video_gets_upright_portrait_tiles(portrait_video: Path, tmp_path: Path) -> None:
    board = make_storyboard(portrait_video, LIMITS, tmp_path)

    assert (board.tile_width, board.tile_height) == (120, 160)
    check_storyboard(board.vtt, board.sprite, duration=2.0)


def test_timestamps_far_from_zero(far_start_ts: Path, tmp_path: Path) -> None:
    board = make_storyboard(far_start_ts, LIMITS, tmp_path)

    check_storyboard(board.vtt, board.sprite, duration=2.0)


def test_a_last_row_left_short_is_black(media_dir: Path, tmp_path: Path) -> None:
    clip = make_media(media_dir / "23s.mp4", MediaSpec(duration_seconds=23.0, audio=False))

    board = make_storyboard(clip, LIMITS, tmp_path, StoryboardOptions(columns=5))

    assert (board.count, board.columns) == (11, 5)
    with av.open(io.BytesIO(board.sprite.read_bytes())) as container:
        assert isinstance(container, InputContainer)
        sprite = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert sprite.shape == (math.ceil(11 / 5) * 120, 5 * 160, 3)
    assert float(sprite[240:, 160:].astype(float).mean()) < 4


@pytest.mark.parametrize("fixture", ["zeroed_video", "sample_audio_only"])
def test_no_storyboard_without_video(
    request: pytest.FixtureRequest, fixture: str, tmp_path: Path
) -> None:
    with pytest.raises(MediaError) as raised:
        make_storyboard(request.getfixturevalue(fixture), LIMITS, tmp_path)

    assert raised.value.error.code is JobErrorCode.NO_PLAYABLE_STREAM
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_storyboard_leaves_nothing(sample_long_video: Path, tmp_path: Path) -> None:
    class StopRequestedError(Exception):
        pass

    calls = []

    def cancel_on_fifth() -> None:
        calls.append(1)
        if len(calls) == 5:
            raise StopRequestedError

    with pytest.raises(StopRequestedError):
        make_storyboard(sample_long_video, LIMITS, tmp_path, checkpoint=cancel_on_fifth)

    assert list(tmp_path.iterdir()) == []
