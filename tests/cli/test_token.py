"""`echoctl token`: a dev token that the services' own verifier accepts."""

from pathlib import Path
from uuid import UUID, uuid4

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from services.cli.main import app
from services.common.auth import Principal, TokenVerifier
from services.common.settings import AuthSettings

runner = CliRunner()


def verify(token: str, secret: str) -> Principal:
    return TokenVerifier(AuthSettings(jwt_secret=SecretStr(secret))).verify(token)


def mint(args: list[str], env: dict[str, str | None]) -> str:
    result = runner.invoke(app, ["token", *args], env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "only the token is printed"
    return lines[0]


def test_token_from_env_secret_has_a_stable_demo_user(tmp_path: Path, jwt_secret: str) -> None:
    env: dict[str, str | None] = {"ECHO_JWT_SECRET": jwt_secret, "ECHO_DATA_DIR": str(tmp_path)}
    first = verify(mint([], env), jwt_secret)
    second = verify(mint([], env), jwt_secret)
    assert first.user_id == second.user_id
    assert first.user_id == UUID((tmp_path / "demo-user-id").read_text().strip())
    assert first.role == "authenticated"


def test_token_for_a_given_user(tmp_path: Path, jwt_secret: str) -> None:
    user = uuid4()
    env: dict[str, str | None] = {"ECHO_JWT_SECRET": jwt_secret, "ECHO_DATA_DIR": str(tmp_path)}
    principal = verify(
        mint(["--user", str(user), "--email", "ada@example.org", "--ttl", "120"], env),
        jwt_secret,
    )
    assert (principal.user_id, principal.email) == (user, "ada@example.org")
    assert not (tmp_path / "demo-user-id").exists()


def test_token_from_the_embedded_default_secret_file(tmp_path: Path) -> None:
    secret = "file-secret-" + "z" * 40
    (tmp_path / "jwt-secret").write_text(secret + "\n")
    env: dict[str, str | None] = {"ECHO_JWT_SECRET": None, "ECHO_DATA_DIR": str(tmp_path)}
    assert verify(mint([], env), secret).user_id


def test_no_secret_is_a_readable_error(tmp_path: Path) -> None:
    env: dict[str, str | None] = {"ECHO_JWT_SECRET": None, "ECHO_DATA_DIR": str(tmp_path)}
    result = runner.invoke(app, ["token"], env=env)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "ECHO_JWT_SECRET" in result.stderr


@pytest.mark.parametrize("ttl", ["0", "-5"])
def test_ttl_must_be_positive(tmp_path: Path, jwt_secret: str, ttl: str) -> None:
    env: dict[str, str | None] = {"ECHO_JWT_SECRET": jwt_secret, "ECHO_DATA_DIR": str(tmp_path)}
    assert runner.invoke(app, ["token", "--ttl", ttl], env=env).exit_code == 2
