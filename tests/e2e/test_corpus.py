"""Every real sample in ../shared/media, through the whole platform.

Runs only when that folder is present (it is not part of the repository).
"""

from pathlib import Path

import httpx
import pytest

from contracts import ProcessingStatus
from services.devstack.stack import DevStack
from tests.support.e2e import process
from tests.support.media import SHARED_MEDIA_DIR, corpus_files

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (SHARED_MEDIA_DIR / "MANIFEST.md").exists(), reason="no shared media corpus here"
    ),
]


@pytest.mark.parametrize(
    "path", [SHARED_MEDIA_DIR / name for name in corpus_files()], ids=lambda p: p.name
)
async def test_corpus_file_ends_completed_or_failed_with_a_message(
    stack: DevStack, stack_token: str, path: Path
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as api:
        _, video, _ = await process(api, stack.notifier_url, path, stack_token, within=240)
    if path.name.startswith("broken_"):
        assert video.status == ProcessingStatus.FAILED
        failed = [job for job in video.jobs if job.status == ProcessingStatus.FAILED]
        assert failed
        assert all(job.error_message and job.error_code for job in failed)
    else:
        assert video.status == ProcessingStatus.COMPLETED, [
            (job.kind, job.error_code, job.error_message) for job in video.jobs
        ]
        assert video.renditions
        assert video.metadata is not None
