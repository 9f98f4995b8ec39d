"""The reference web app in a real browser: headless Chromium (Debian's `chromium`)
driven by Playwright, against the whole platform.

It signs in, uploads a synthetic clip through the page, watches the status reach
`completed` live (no reload), plays the HLS ladder (the video's `currentTime` advances;
more than one rendition is listed), and hovers the scrubber for a storyboard thumbnail.
A screenshot of the finished page is saved in the test's temporary folder.

Skipped, saying so, where Chromium, Node/npm (to build the app) or Playwright is absent.
This module starts a platform of its own: the gateway must allow the app's origin by CORS.
"""

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.devstack.ports import PortPlan, free_port
from services.devstack.stack import DevStack
from services.devstack.web import WebApp, WebAppUnavailableError, build_web_app
from tests.conftest import STACK_ENV
from tests.support.media import MediaSpec, make_media

pytestmark = [pytest.mark.servers, pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROCESSED_MS = 180_000


@dataclass(frozen=True)
class WebPlatform:
    url: str
    stack: DevStack


@pytest.fixture(scope="module")
def web_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebPlatform]:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser tests: {CHROMIUM} is absent (apt-get install chromium)")
    pytest.importorskip("playwright", reason="no browser tests: Playwright for Python is absent")
    try:
        dist = build_web_app()
    except WebAppUnavailableError as error:
        pytest.skip(f"no browser tests: {error}")
    root = tmp_path_factory.mktemp("web-stack")
    port = free_port()
    origins = f"http://127.0.0.1:{port}"
    stack = DevStack(
        root / "data",
        ports=PortPlan.free(),
        extra_env={**STACK_ENV, "ECHO_GATEWAY_CORS_ORIGINS": origins},
        log_dir=root / "logs",
    ).start(timeout=90)
    app = WebApp(
        dist,
        port=port,
        gateway_url=stack.gateway_url,
        notifier_url=stack.notifier_url,
        jwt_secret=stack.jwt_secret,
        demo_user=uuid.uuid4(),
    ).start()
    yield WebPlatform(url=app.url, stack=stack)
    app.stop()
    stack.stop()
    for log in sorted((root / "logs").glob("*.log")):
        print(f"----- {log.name} (last lines) -----")
        print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))


@pytest.fixture(scope="module")
def ladder_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s at 640x360: the ladder has a 360p and a 240p rung."""
    folder = tmp_path_factory.mktemp("web-media")
    return make_media(folder / "clip.mp4", MediaSpec(duration_seconds=3.0, width=640, height=360))


def test_upload_watch_play_and_scrub_in_a_browser(
    web_platform: WebPlatform, ladder_clip: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty profile
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
        )
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(web_platform.url)
            page.get_by_role("button", name="Sign in as the demo user").click()
            expect(page.locator("#live-state")).to_have_attribute("data-state", "open")

            # Marked now: a reload would lose it, so finding it later proves none happened.
            page.evaluate("window.__noReload = true")
            page.get_by_label("Video file").set_input_files(str(ladder_clip))
            page.get_by_label("Title (optional)").fill("Browser clip")
            page.get_by_role("button", name="Upload", exact=True).click()
            status = page.locator("#upload-status")
            expect(status).to_have_attribute("data-video-id", re.compile(".+"), timeout=60_000)
            video_id = status.get_attribute("data-video-id")
            assert video_id
            assert page.locator("#upload-progress").evaluate("bar => bar.value") == 100

            item = page.locator(f'li[data-video-id="{video_id}"]')
            expect(item).to_have_attribute("data-status", "completed", timeout=PROCESSED_MS)
            assert page.evaluate("window.__noReload === true"), "the page was reloaded"

            item.get_by_role("button", name="Play and details").click()
            page.evaluate(
                "() => { const v = document.querySelector('#player'); v.muted = true; "
                "return v.play(); }"
            )
            page.wait_for_function(
                "document.querySelector('#player').currentTime > 0.5", timeout=30_000
            )

            scrubber = page.locator("#scrubber")
            box = scrubber.bounding_box()
            assert box is not None
            scrubber.hover(position={"x": box["width"] / 2, "y": box["height"] / 2})
            expect(page.locator("#storyboard-preview")).to_be_visible(timeout=10_000)
            page.wait_for_function(
                "document.querySelector('#storyboard-thumb').naturalWidth > 0", timeout=10_000
            )

            shot = tmp_path / "finished-page.png"
            page.screenshot(path=str(shot), full_page=True)
            results = Path(__file__).resolve().parents[2] / "bench" / "results" / "web"
            results.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, results / shot.name)
            print(f"screenshot: {shot} (copy in {results})")
            # Last, so what precedes is checked even while the gateway offers no ladder.
            renditions = page.locator("#renditions")
            expect(renditions).to_have_attribute("data-count", re.compile(".+"), timeout=30_000)
            source = page.locator("#player").get_attribute("data-source") or ""
            assert int(renditions.get_attribute("data-count") or 0) > 1, (
                f"one rendition only, playing {source}: the HLS ladder needs the video's "
                "`playback.hls_url` (its master playlist) from the gateway"
            )

            assert not errors, errors
        finally:
            context.close()
