"""The TypeScript client's own tests (`npm test` in clients/typescript, Node's test runner)
against the real platform: this test starts it (the `stack` fixture), mints a token for
a new user, and hands the URLs, the token and a synthetic clip to Node in the environment.

Skipped, saying so, where Node or npm is absent (CI has both).
"""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from services.common.auth import mint_token
from services.devstack.generate import client_dependencies, node_missing
from services.devstack.stack import DevStack


def test_the_typescript_client_against_the_platform(stack: DevStack, sample_video: Path) -> None:
    reason = node_missing()
    if reason:
        pytest.skip(f"TypeScript client not tested: {reason} (install Node 20+ and npm)")
    env = {
        **os.environ,
        "ECHO_GATEWAY_URL": stack.gateway_url,
        "ECHO_NOTIFIER_URL": stack.notifier_url,
        "ECHO_TOKEN": mint_token(stack.jwt_secret, uuid.uuid4()),
        "ECHO_SAMPLE_VIDEO": str(sample_video),
    }
    done = subprocess.run(
        ["npm", "test", "--silent"],
        cwd=client_dependencies(),
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    report = done.stdout[-6000:] + done.stderr[-3000:]
    assert done.returncode == 0, report
    assert "# fail 0" in done.stdout, report
    assert "# SKIP" not in done.stdout, report
