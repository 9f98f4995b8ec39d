"""The README documents every setting an operator can give."""

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from services.common.settings import AuthSettings, BlobSettings, BusSettings
from services.gateway.settings import DatabaseSettings, GatewaySettings
from services.metadata.settings import MetadataSettings
from services.notifier.settings import NotifierSettings
from services.transcoder.settings import TranscoderSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
SETTINGS: tuple[type[BaseSettings], ...] = (
    BusSettings,
    BlobSettings,
    AuthSettings,
    DatabaseSettings,
    GatewaySettings,
    TranscoderSettings,
    MetadataSettings,
    NotifierSettings,
)


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s.__name__)
def test_every_setting_is_in_the_readme(settings: type[BaseSettings]) -> None:
    prefix = str(settings.model_config.get("env_prefix", ""))
    for field in settings.model_fields:
        name = field.upper()
        documented = (
            f"`{prefix}{name}`" in README or f"`_{name}`" in README or f"`{name}`" in README
        )
        assert documented, f"{prefix}{name} is not documented in README.md"
