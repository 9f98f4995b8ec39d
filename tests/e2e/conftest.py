"""The whole platform as separate processes, started exactly as `scripts/dev.sh` does."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.auth import mint_token
from services.devstack.stack import DevStack

# Short deadlines so redelivery and reconciliation happen within a test's patience.
E2E_ENV = {
    "ECHO_TRANSCODER_ACK_WAIT_SECONDS": "4",
    "ECHO_METADATA_ACK_WAIT_SECONDS": "4",
    "ECHO_TRANSCODER_RETRY_BASE_DELAY_SECONDS": "0.5",
    "ECHO_METADATA_RETRY_BASE_DELAY_SECONDS": "0.5",
    "ECHO_LOG_LEVEL": "INFO",
}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    root = tmp_path_factory.mktemp("stack")
    platform = DevStack(
        root / "data", fixed_ports=False, extra_env=E2E_ENV, log_dir=root / "logs"
    ).start(timeout=90)
    yield platform
    platform.stop()
    for log in sorted((root / "logs").glob("*.log")):
        print(f"----- {log.name} (last lines) -----")
        print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))


@pytest.fixture
def e2e_user() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def e2e_token(stack: DevStack, e2e_user: uuid.UUID) -> str:
    return mint_token(stack.jwt_secret, e2e_user)


def stack_logs(stack: DevStack) -> Path | None:
    return stack.log_dir
