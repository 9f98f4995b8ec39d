"""`echoctl` against the real platform: its URLs, a new user's token and its own data
folder (where resumable uploads are remembered)."""

import os
from pathlib import Path

import pytest

from services.devstack.stack import DevStack
from tests.cli.runner import Cli


@pytest.fixture
def cli(stack: DevStack, stack_token: str, tmp_path: Path) -> Cli:
    return Cli(
        {
            **os.environ,
            "ECHO_API_URL": stack.gateway_url,
            "ECHO_NOTIFIER_URL": stack.notifier_url,
            "ECHO_TOKEN": stack_token,
            "ECHO_DATA_DIR": str(tmp_path / "echo"),
            "COLUMNS": "160",
        }
    )
