"""Every environment variable Echo reads: the configuration reference's, from the settings."""

from services.devstack.reference import READERS, env_name


def known_variables() -> set[str]:
    """Every `ECHO_*` variable some service's settings class reads."""
    return {
        env_name(source, name, field)
        for source in READERS
        for name, field in source.settings.model_fields.items()
    }
