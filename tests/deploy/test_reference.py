"""docs/configuration.md is generated from the settings classes and must be current."""

import importlib

from pydantic_settings import BaseSettings

from services.common.bus import ConsumerTuning
from services.common.settings import EchoSettings, ServiceSettings
from services.common.worker import WorkerSettings
from services.devstack.ports import SERVICES
from services.devstack.reference import COMMAND, READERS, REFERENCE_PATH, ROOT, render_reference

ABSTRACT = {EchoSettings, ServiceSettings, WorkerSettings, ConsumerTuning}
"""Bases without a prefix of their own: their fields appear under every subclass."""


def test_configuration_reference_is_current() -> None:
    assert (ROOT / REFERENCE_PATH).read_text() == render_reference(), f"run `{COMMAND}`"


def _all_settings_classes() -> set[type[BaseSettings]]:
    """Every settings class that some service's entrypoint (or what it imports) defines."""
    for name in (*SERVICES, "migrate"):
        importlib.import_module(f"services.{name}.__main__")
    found: set[type[BaseSettings]] = set()
    pending = list(BaseSettings.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("services.") and not cls.__module__.startswith(
            ("services.cli", "services.devstack")
        ):
            found.add(cls)
    return found


def test_every_services_settings_class_is_in_the_reference() -> None:
    """A new settings class must be added to `READERS`, or its variables go undocumented."""
    listed = {source.settings for source in READERS}
    assert _all_settings_classes() - listed - ABSTRACT == set()


def test_every_variable_has_a_meaning() -> None:
    for source in READERS:
        for name, field in source.settings.model_fields.items():
            assert field.description, f"{source.settings.__name__}.{name} needs a description"
