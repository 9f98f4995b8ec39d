"""Describing an upload as the contract's `MediaProbe`.

`describe` reads the facts with PyAV (no pydantic, so its command-line form
starts fast); this module validates them into the contract the job reports.
"""

from pathlib import Path

from contracts.media import MediaProbe
from services.common.media import MediaLimits
from services.metadata.describe import read_facts


def probe_media(path: Path, limits: MediaLimits) -> MediaProbe:
    """Open an upload safely and describe it; raises `MediaError` when it cannot be used."""
    return MediaProbe.model_validate(read_facts(path, limits))
