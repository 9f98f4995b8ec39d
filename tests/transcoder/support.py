"""Builders shared by the transcoder tests: uploads as transcode commands, settings.

`Reports` and `job_context` are the workers' shared ones, named here for the
tests that call the work function with a context of their own.
"""

from pathlib import Path

from contracts.enums import JobKind
from contracts.events import JobRequestedCommand
from services.common.blobs import LocalBlobStore
from services.transcoder.settings import TranscoderSettings
from tests.support.workers import Reports as Reports
from tests.support.workers import job_context as job_context
from tests.support.workers import stage_upload


def upload(store: LocalBlobStore, path: Path) -> JobRequestedCommand:
    """Put `path` in the blob store as a new upload; its transcode command."""
    return stage_upload(store, path, JobKind.TRANSCODE)


STAGED_SUFFIXES = (".partial", ".staging", ".old")
"""The kit's staged outputs, the ladder's staging folder, an earlier ladder moved aside."""


def partial_files(root: Path) -> list[Path]:
    """Staged or half-replaced outputs (files or folders) left anywhere under a blob root."""
    return sorted(path for path in root.rglob("*") if path.name.endswith(STAGED_SUFFIXES))


def worker_settings(**overrides: float | str) -> TranscoderSettings:
    """Settings for tests: quick progress, a fast preset, nothing from the environment."""
    values: dict[str, float | str] = {
        "ack_wait_seconds": 10,
        "progress_interval_seconds": 0.1,
        "retry_base_delay_seconds": 0.2,
        "preset": "ultrafast",
        "port": 0,
    }
    return TranscoderSettings.model_validate(values | overrides)
