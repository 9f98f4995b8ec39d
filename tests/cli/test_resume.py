"""`echoctl upload` resumes: stopped by Ctrl-C partway, a second run asks the server
where the upload stands and sends only the rest; an upload the server no longer has is
started over."""

import asyncio
import hashlib
import json
import signal
import time
from pathlib import Path
from uuid import uuid4

import httpx

from contracts import ProcessingStatus
from services.cli.resumable import LEDGER_FILE, fingerprint
from services.devstack.stack import DevStack
from tests.cli.runner import Cli, finish, video_id_of
from tests.support.e2e import get_video

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = "8192"  # small, so the upload takes many requests and can be stopped partway


def _stored_urls(cli: Cli) -> list[str]:
    ledger = Path(cli.env["ECHO_DATA_DIR"]) / LEDGER_FILE
    try:
        return list(json.loads(ledger.read_text()).values())
    except (FileNotFoundError, ValueError):
        return []


async def _offset(url: str, token: str) -> int:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.head(url, headers={**TUS, "Authorization": f"Bearer {token}"})
    assert response.status_code == 204, response.status_code
    return int(response.headers["Upload-Offset"])


async def _partway(cli: Cli, token: str, within: float = 60.0) -> str:
    """The stored upload URL, once the server holds some of the file's bytes."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        urls = _stored_urls(cli)
        if urls and await _offset(urls[0], token) > 0:
            return urls[0]
        await asyncio.sleep(0.01)
    raise AssertionError("the upload never started")


async def test_an_interrupted_upload_resumes_where_the_server_stands(
    cli: Cli, stack: DevStack, stack_token: str, sample_long_video: Path
) -> None:
    size = sample_long_video.stat().st_size
    first = await cli.start("upload", str(sample_long_video), "--chunk-size", CHUNK)
    url = await _partway(cli, stack_token)
    first.send_signal(signal.SIGINT)  # Ctrl-C
    stopped = await finish(first)
    assert stopped.code == 130, stopped.stderr
    assert "run the same command again to resume" in stopped.flat_stderr

    reached = await _offset(url, stack_token)
    assert 0 < reached < size
    resumed = await cli("upload", str(sample_long_video), "--chunk-size", CHUNK)
    assert resumed.code == 0, resumed.stderr
    assert f"Resuming at byte {reached} of {size} ({size - reached} to send)" in (
        resumed.flat_stdout
    )
    video_id = video_id_of(resumed)
    assert str(video_id) in url, "the upload's id is the video's"
    assert _stored_urls(cli) == [], "a finished upload is forgotten"
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as api:
        video = await get_video(api, video_id, stack_token)
    assert video.status is ProcessingStatus.COMPLETED
    assert video.checksum_sha256 == hashlib.sha256(sample_long_video.read_bytes()).hexdigest()


async def test_an_upload_the_server_no_longer_has_starts_over(
    cli: Cli, stack: DevStack, sample_video: Path
) -> None:
    uploads_url = f"{stack.gateway_url}/api/uploads"
    ledger = Path(cli.env["ECHO_DATA_DIR"]) / LEDGER_FILE
    ledger.parent.mkdir(parents=True)
    ledger.write_text(
        json.dumps({fingerprint(sample_video, uploads_url): f"{uploads_url}/{uuid4()}"})
    )

    result = await cli("upload", str(sample_video), "--no-wait")
    assert result.code == 0, result.stderr
    assert "Resuming" not in result.stdout
    video_id_of(result)
    assert _stored_urls(cli) == []
