"""`echo-contracts` installs alone: into a fresh venv, with pydantic as its only dependency.

The distribution is built from a copy of `contracts/` (so no build folder lands in the
working tree), installed with `--no-deps`, then pydantic is installed from the same index
pip is configured with. In that venv every module imports, every model builds its JSON
Schema, and nothing of the platform (services, FastAPI, PyAV, nats) is present. Needs the
package index; skipped, saying so, when pip cannot reach it.
"""

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
_UNREACHABLE = (
    "Could not find a version",
    "No matching distribution",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ConnectTimeoutError",
)
_PROBE = """
import importlib, json, pkgutil, sys
import contracts
from contracts.schema import contract_models
modules = [m.name for m in pkgutil.iter_modules(contracts.__path__, "contracts.")]
for name in modules:
    importlib.import_module(name)
models = contract_models()
for model in models:
    model.model_json_schema(mode="serialization")
heavy = ("services", "fastapi", "av", "nats", "faststream")
platform = sorted(n for n in heavy if n in sys.modules)
print(json.dumps({"modules": len(modules), "models": len(models), "platform": platform}))
"""


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if done.returncode and any(sign in done.stderr for sign in _UNREACHABLE):
        pytest.skip(f"pip cannot reach the package index: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr


def test_contracts_install_and_import_alone(tmp_path: Path) -> None:
    source = tmp_path / "src" / "contracts"
    shutil.copytree(CONTRACTS, source, ignore=shutil.ignore_patterns("__pycache__", "build"))
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    _pip(python, "--no-deps", str(source))
    _pip(python, "pydantic>=2.7,<3")

    probe = subprocess.run(
        [str(python), "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,  # not the checkout: `contracts` must come from the installed wheel
    )
    assert probe.returncode == 0, probe.stderr
    assert '"platform": []' in probe.stdout, probe.stdout
    installed = subprocess.run(
        [str(python), "-c", "import contracts; print(contracts.__file__)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "site-packages" in installed
    shipped = Path(installed.strip()).parent / "schemas"
    assert {p.name for p in shipped.glob("*.json")} == {
        p.name for p in (CONTRACTS / "schemas").glob("*.json")
    }
