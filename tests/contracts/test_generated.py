"""Every generated artefact in the repository is what its generator writes today.

The Python-made ones (JSON Schemas, AsyncAPI and OpenAPI documents) are checked
everywhere; the TypeScript types need Node and npm, and that test is skipped, saying so,
where they are absent (CI has them).
"""

from collections.abc import Iterable
from pathlib import Path

import pytest

from services.devstack.generate import (
    ASYNCAPI_DIR,
    COMMAND,
    OPENAPI_FILE,
    ROOT,
    SCHEMA_DIR,
    TS_DIR,
    generate_python,
    node_missing,
    write_typescript,
)
from services.devstack.reference import REFERENCE_PATH


def _stale(tmp_path: Path, written: Iterable[Path], committed: Iterable[Path]) -> list[str]:
    new = {path.relative_to(tmp_path) for path in written}
    old = {path.relative_to(ROOT) for path in committed}
    assert new, "the generators wrote nothing"
    return sorted(
        [f"{name} (missing)" for name in new - old]
        + [f"{name} (no longer generated)" for name in old - new]
        + [
            f"{name} (differs)"
            for name in new & old
            if (ROOT / name).read_text() != (tmp_path / name).read_text()
        ]
    )


def test_every_python_generated_artefact_is_current(tmp_path: Path) -> None:
    written = generate_python(tmp_path)
    committed = [
        *(path for folder in (SCHEMA_DIR, ASYNCAPI_DIR) for path in (ROOT / folder).glob("*.json")),
        *([ROOT / OPENAPI_FILE] if (ROOT / OPENAPI_FILE).exists() else []),
        *([ROOT / REFERENCE_PATH] if (ROOT / REFERENCE_PATH).exists() else []),
    ]
    stale = _stale(tmp_path, written, committed)
    assert not stale, f"stale generated files: {', '.join(stale)}; run `{COMMAND}`"


def test_the_generated_typescript_is_current(tmp_path: Path) -> None:
    reason = node_missing()
    if reason:
        pytest.skip(f"TypeScript types not checked: {reason} (install Node 20+ and npm)")
    generate_python(tmp_path)
    written = write_typescript(tmp_path)
    stale = _stale(tmp_path, written, (ROOT / TS_DIR).glob("*.ts"))
    assert not stale, f"stale generated files: {', '.join(stale)}; run `{COMMAND}`"
