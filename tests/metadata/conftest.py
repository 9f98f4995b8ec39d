"""Fixtures of the metadata tests: derived media, and the worker wired to the test NATS."""

from pathlib import Path

import pytest

from tests.metadata.samples import (
    make_far_start_ts,
    make_headers_only,
    make_portrait,
    make_zeroed_media,
)
from tests.support.media import make_faststart


@pytest.fixture(scope="session")
def faststart_video(media_dir: Path, sample_video: Path) -> Path:
    return make_faststart(sample_video, media_dir / "faststart.mp4")


@pytest.fixture(scope="session")
def portrait_video(media_dir: Path, faststart_video: Path) -> Path:
    return make_portrait(faststart_video, media_dir / "portrait.mp4")


@pytest.fixture(scope="session")
def far_start_ts(media_dir: Path, sample_video: Path) -> Path:
    return make_far_start_ts(sample_video, media_dir / "far_start.ts")


@pytest.fixture(scope="session")
def zeroed_video(media_dir: Path, faststart_video: Path) -> Path:
    return make_zeroed_media(faststart_video, media_dir / "zeroed.mp4")


@pytest.fixture(scope="session")
def headers_only_video(media_dir: Path, faststart_video: Path) -> Path:
    return make_headers_only(faststart_video, media_dir / "headers_only.mp4")
