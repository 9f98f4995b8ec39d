"""The embedded default's credentials, kept in its data folder (`ECHO_DATA_DIR`, `.echo`).

`jwt-secret` signs dev tokens; `demo-user-id` keeps the demo user stable across
runs so its videos stay visible. Shared by the launcher and the CLI; no heavy imports.
"""

import os
import secrets
import uuid
from pathlib import Path
from uuid import UUID

DATA_DIR_ENV = "ECHO_DATA_DIR"
DEFAULT_DATA_DIR = Path(".echo")
JWT_SECRET_FILE = Path("jwt-secret")
DEMO_USER_FILE = Path("demo-user-id")


def data_dir() -> Path:
    """The embedded default's data folder (`ECHO_DATA_DIR`, default `.echo`)."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def read_secret(folder: Path) -> str | None:
    """The dev JWT secret, if the launcher has created one."""
    path = folder / JWT_SECRET_FILE
    if not path.is_file():
        return None
    return path.read_text().strip() or None


def read_or_create_secret(folder: Path) -> str:
    """The dev JWT secret, generated on first use (readable by this user only)."""
    existing = read_secret(folder)
    if existing is not None:
        return existing
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / JWT_SECRET_FILE
    path.write_text(secrets.token_urlsafe(48))
    path.chmod(0o600)
    return path.read_text().strip()


def read_or_create_demo_user(folder: Path) -> UUID:
    """The demo user's id, created on first use."""
    path = folder / DEMO_USER_FILE
    if path.is_file():
        return UUID(path.read_text().strip())
    folder.mkdir(parents=True, exist_ok=True)
    user = uuid.uuid4()
    path.write_text(f"{user}\n")
    return user
