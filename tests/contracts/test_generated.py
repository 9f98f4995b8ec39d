"""Every generated artefact in the repository is what its generator writes today."""

from pathlib import Path

from services.devstack.generate import ASYNCAPI_DIR, COMMAND, ROOT, SCHEMA_DIR, generate


def test_every_generated_artefact_is_current(tmp_path: Path) -> None:
    written = {path.relative_to(tmp_path) for path in generate(tmp_path)}
    committed = {
        path.relative_to(ROOT)
        for folder in (SCHEMA_DIR, ASYNCAPI_DIR)
        for path in (ROOT / folder).glob("*.json")
    }
    assert written, "the generators wrote nothing"
    stale = sorted(
        [f"{name} (missing)" for name in written - committed]
        + [f"{name} (no longer generated)" for name in committed - written]
        + [
            f"{name} (differs)"
            for name in written & committed
            if (ROOT / name).read_text() != (tmp_path / name).read_text()
        ]
    )
    assert not stale, f"stale generated files: {', '.join(stale)}; run `{COMMAND}`"
