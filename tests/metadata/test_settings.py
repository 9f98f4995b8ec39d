"""The worker's settings come from `ECHO_METADATA_*` and refuse nonsense."""

import pytest
from pydantic import ValidationError

from contracts.enums import JobKind
from contracts.streams import WORKERS
from services.metadata.settings import MetadataSettings


def test_defaults() -> None:
    settings = MetadataSettings()

    assert settings.port == 8002
    assert settings.poster_max_width == 1280
    assert settings.poster_position == 0.1
    assert settings.drain_grace_seconds == 30
    assert settings.consumer_config(WORKERS[JobKind.METADATA]).max_deliver == settings.max_deliver


def test_environment_sets_the_worker_and_its_job_tuning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_METADATA_PORT", "9102")
    monkeypatch.setenv("ECHO_METADATA_POSTER_MAX_WIDTH", "640")
    monkeypatch.setenv("ECHO_METADATA_POSTER_POSITION", "0.25")
    monkeypatch.setenv("ECHO_METADATA_ACK_WAIT_SECONDS", "90")
    monkeypatch.setenv("ECHO_METADATA_DRAIN_GRACE_SECONDS", "5")
    monkeypatch.setenv("ECHO_TRANSCODER_PORT", "1")  # another service's: ignored

    settings = MetadataSettings()

    assert settings.port == 9102
    assert settings.poster_max_width == 640
    assert settings.poster_position == 0.25
    assert settings.drain_grace_seconds == 5
    assert settings.consumer_config(WORKERS[JobKind.METADATA]).ack_wait == 90


@pytest.mark.parametrize("position", ["1", "1.5", "-0.1"])
def test_poster_position_is_a_share_below_one(
    monkeypatch: pytest.MonkeyPatch, position: str
) -> None:
    monkeypatch.setenv("ECHO_METADATA_POSTER_POSITION", position)

    with pytest.raises(ValidationError):
        MetadataSettings()
