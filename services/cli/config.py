"""Where the CLI finds the platform and its credentials.

Without `--token` or `ECHO_TOKEN`, the CLI mints a dev token with the embedded
default's secret: `ECHO_JWT_SECRET`, or the file `<ECHO_DATA_DIR>/jwt-secret`
that `scripts/dev.sh` writes. The dev token's user is the demo user, whose id is
kept in `<ECHO_DATA_DIR>/demo-user-id` so its videos stay visible across runs.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from services.common.auth import mint_token
from services.devstack.identity import (
    JWT_SECRET_FILE,
    data_dir,
    read_or_create_demo_user,
    read_secret,
)

DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_NOTIFIER_URL = "http://127.0.0.1:8003"
DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600
DEMO_EMAIL = "demo@echo.local"

JWT_SECRET_ENV = "ECHO_JWT_SECRET"  # noqa: S105 - the variable's name, not a secret


class ConfigError(Exception):
    """The CLI lacks what it needs (a token, a secret); the message says what to do."""


def jwt_secret(folder: Path) -> str | None:
    """The HS256 secret from `ECHO_JWT_SECRET`, else the embedded default's secret file."""
    return os.environ.get(JWT_SECRET_ENV) or read_secret(folder)


def dev_token(
    user_id: UUID | None = None,
    *,
    email: str | None = None,
    ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
) -> str:
    """A dev token for `user_id` (default: the demo user), or `ConfigError` without a secret."""
    folder = data_dir()
    secret = jwt_secret(folder)
    if secret is None:
        raise ConfigError(
            f"No token: pass --token or set ECHO_TOKEN, or set {JWT_SECRET_ENV} "
            f"(or run scripts/dev.sh, which writes {folder / JWT_SECRET_FILE})."
        )
    user = user_id or read_or_create_demo_user(folder)
    if user_id is None and email is None:
        email = DEMO_EMAIL
    return mint_token(secret, user, email=email, ttl_seconds=ttl_seconds)


@dataclass(frozen=True)
class Endpoints:
    """Where the REST API and the notifier are, and the token to show them."""

    api_url: str
    notifier_url: str
    token: str


def endpoints(api_url: str, notifier_url: str, token: str | None) -> Endpoints:
    """Resolve the token (given, or a minted dev token) and tidy the URLs."""
    return Endpoints(
        api_url=api_url.rstrip("/"),
        notifier_url=notifier_url.rstrip("/"),
        token=token or dev_token(),
    )
