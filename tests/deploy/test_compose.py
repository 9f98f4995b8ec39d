"""deploy/compose.yaml: interpolated as Compose does, then validated against the Compose
specification's JSON Schema (the copy check-jsonschema ships); required secrets fail fast."""

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from services.devstack.ports import SERVICES
from tests.deploy.dockerfile import effective_env, stages
from tests.deploy.known import known_variables

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:-|:\?|-|\?)?(?P<arg>[^}]*)\}"
)


class MissingVariableError(ValueError):
    """A `${VAR:?message}` whose variable is unset or empty, as `docker compose` refuses."""


def _interpolate(value: Any, env: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        current = env.get(name)
        if op == ":?" and not current:
            raise MissingVariableError(f"{name}: {arg}")
        if op == ":-" and not current:
            return arg
        return current or ""

    return _VARIABLE.sub(substitute, value)


def _compose(env: dict[str, str]) -> dict[str, Any]:
    document: dict[str, Any] = _interpolate(yaml.safe_load(COMPOSE.read_text()), env)
    return document


def _example_env() -> dict[str, str]:
    """.env.example with every empty value filled in, as an operator does."""
    env = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value or f"filled-{name.lower()}-" + "x" * 32
    return env


def _schema() -> dict[str, Any]:
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads(vendored.joinpath("compose-spec.json").read_text())
    return schema


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    jsonschema.validate(_compose(_example_env()), _schema())


def test_an_invalid_compose_file_is_refused() -> None:
    document = _compose(_example_env())
    document["services"]["gateway"]["depends_on"]["migrate"]["condition"] = "service_done"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, _schema())


def test_every_required_secret_fails_fast_and_is_in_the_example() -> None:
    lines = COMPOSE.read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    required = {m["name"] for m in _VARIABLE.finditer(text) if m["op"] == ":?"}
    assert {"POSTGRES_PASSWORD", "ECHO_JWT_SECRET", "ECHO_GATEWAY_SIGNING_KEY"} <= required
    assert required <= set(_example_env())
    for name in required:
        env = {key: value for key, value in _example_env().items() if key != name}
        with pytest.raises(MissingVariableError, match=name):
            _compose(env)


def test_services_start_after_the_init_step_from_their_own_image() -> None:
    document = _compose(_example_env())
    services = document["services"]
    targets = stages()
    for name in (*SERVICES, "migrate"):
        build = services[name]["build"]
        assert build["dockerfile"] == "deploy/Dockerfile"
        assert build["target"] in targets, name
        assert "command" not in services[name]
        assert "entrypoint" not in services[name]
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["bucket"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"] == {
        "nats": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    assert "nats:/data" in services["nats"]["volumes"], "JetStream on a volume"


def test_workers_get_longer_to_stop_than_their_drain_grace() -> None:
    services = _compose(_example_env())["services"]
    for name in ("transcoder", "metadata"):
        assert services[name]["stop_grace_period"] == "60s", "drain grace is 30 s"


def test_echo_containers_are_configured_with_known_variables() -> None:
    services = _compose(_example_env())["services"]
    for name in (*SERVICES, "migrate"):
        unknown = {v for v in services[name]["environment"] if v.startswith("ECHO_")}
        assert unknown - known_variables() == set(), name


def test_blob_services_keep_scratch_copies_on_a_volume() -> None:
    """Not on the container's layer or a RAM tmpfs: a source can be gigabytes."""
    services = _compose(_example_env())["services"]
    for name in ("gateway", "transcoder", "metadata"):
        scratch = effective_env(stages(), name)["ECHO_BLOB_SCRATCH_DIR"]
        assert f"{name}-scratch:{scratch}" in services[name]["volumes"], name


def test_each_container_gets_only_the_secrets_its_service_reads() -> None:
    services = _compose(_example_env())["services"]
    secrets = {
        "ECHO_DATABASE_URL": {"gateway", "migrate"},
        "ECHO_JWT_SECRET": {"gateway", "notifier"},
        "ECHO_GATEWAY_SIGNING_KEY": {"gateway"},
        "ECHO_BLOB_S3_SECRET_ACCESS_KEY": {"gateway", "transcoder", "metadata"},
    }
    for variable, readers in secrets.items():
        given = {
            name for name, service in services.items() if variable in service.get("environment", {})
        }
        assert given == readers, variable
