"""Poster and storyboard from one opening (`render_pictures`, what the job calls)."""

from pathlib import Path

import pytest

from contracts.enums import JobErrorCode
from services.common.media import MediaError, MediaLimits
from services.metadata.pictures import render_pictures
from services.metadata.poster import render_posters
from services.metadata.storyboard import write_storyboard
from tests.support.media import check_storyboard

LIMITS = MediaLimits()


def test_both_pictures_from_one_opening_match_the_separate_ones(
    sample_long_video: Path, tmp_path: Path
) -> None:
    posters, board = render_pictures(sample_long_video, LIMITS)

    assert posters == render_posters(sample_long_video, LIMITS)
    assert [(p.width, p.height) for p in posters] == [(640, 360), (320, 180)]
    files = write_storyboard(board, tmp_path)
    check_storyboard(files.vtt, files.sprite, duration=20.0)


def test_the_checkpoint_runs_before_each_frame_and_can_stop_the_work(
    sample_long_video: Path,
) -> None:
    class StopRequestedError(Exception):
        pass

    calls: list[int] = []

    def cancel_during_the_storyboard() -> None:
        calls.append(1)
        if len(calls) == 8:
            raise StopRequestedError

    with pytest.raises(StopRequestedError):
        render_pictures(sample_long_video, LIMITS, checkpoint=cancel_during_the_storyboard)

    assert len(calls) == 8


def test_audio_only_has_no_pictures(sample_audio_only: Path) -> None:
    with pytest.raises(MediaError) as raised:
        render_pictures(sample_audio_only, LIMITS)

    assert raised.value.error.code is JobErrorCode.NO_PLAYABLE_STREAM
