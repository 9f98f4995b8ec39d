"""Signed playback URLs, fetched by a plain HTTP client with no headers at all."""

import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import httpx
from nats.js import JetStreamContext
from pydantic import SecretStr

from services.gateway.api.signing import Grant, MediaSigner
from tests.gateway.conftest import Served
from tests.support.bus import eventually
from tests.support.gateway import (
    INIT_BYTES,
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    POSTER_BYTES,
    POSTER_SMALL_BYTES,
    RENDITION_BYTES,
    SEGMENT_BYTES,
    SIGNING_KEY,
    SPRITE_BYTES,
    STORYBOARD_VTT,
    Gateway,
    metadata_completed,
    publish_job_event,
    transcode_completed,
)


async def _processed_video(
    gateway: Gateway, token: str, js: JetStreamContext, blob_root: Path
) -> dict[str, Any]:
    upload = await gateway.upload_ok(token, b"source bytes", content_type="video/quicktime")
    await publish_job_event(js, transcode_completed(upload, blob_root))
    await publish_job_event(js, metadata_completed(upload, blob_root))
    video_id = upload["video"]["id"]

    async def completed() -> dict[str, Any] | None:
        response = await gateway.client.get(f"/api/videos/{video_id}", headers=gateway.auth(token))
        body: dict[str, Any] = response.json()
        return body if body["status"] == "completed" else None

    return await eventually(completed, what="video completed")


async def test_signed_urls_serve_the_owners_files_without_headers(
    served: Served, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed_video(served.gateway, token, jetstream, blob_root)
    links = video["playback"]
    async with httpx.AsyncClient(base_url=served.url) as plain:
        mp4 = await plain.get(links["mp4_url"])
        assert (mp4.status_code, mp4.headers["content-type"]) == (200, "video/mp4")
        assert mp4.content == RENDITION_BYTES
        assert mp4.headers["accept-ranges"] == "bytes"
        ranged = await plain.get(links["mp4_url"], headers={"Range": "bytes=10-19"})
        assert ranged.status_code == 206
        assert ranged.content == RENDITION_BYTES[10:20]
        assert ranged.headers["content-range"] == f"bytes 10-19/{len(RENDITION_BYTES)}"
        head = await plain.head(links["mp4_url"])
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == str(len(RENDITION_BYTES))
        outside = await plain.get(links["mp4_url"], headers={"Range": "bytes=999999-"})
        assert outside.status_code == 416
        assert outside.headers["content-type"] == "application/problem+json"
        assert outside.json()["code"] == "range_not_satisfiable"
        poster = await plain.get(links["poster_url"])
        assert (poster.status_code, poster.headers["content-type"]) == (200, "image/jpeg")
        assert poster.content == POSTER_BYTES
        source = await plain.get(links["source_url"])
        assert (source.content, source.headers["content-type"]) == (
            b"source bytes",
            "video/quicktime",
        )
        # Any file of the video's folder resolves under the same signature, as the
        # relative URIs of an HLS playlist do.
        relative = await plain.get(links["base_url"] + "transcode/hls/download.mp4")
        assert relative.content == RENDITION_BYTES
        missing = await plain.get(links["base_url"] + "transcode/hls/1080p/index.m3u8")
        assert (missing.status_code, missing.json()["code"]) == (404, "file_not_found")


def _references(playlist: str) -> list[str]:
    """Every URI of an HLS playlist: its URI lines and its `URI="..."` attributes."""
    lines = playlist.splitlines()
    attributes = [match for line in lines for match in re.findall(r'URI="([^"]+)"', line)]
    return attributes + [line for line in lines if line and not line.startswith("#")]


async def test_a_player_follows_relative_references_under_the_same_signature(
    served: Served, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed_video(served.gateway, token, jetstream, blob_root)
    links = video["playback"]
    signed_prefix = urljoin(served.url, links["base_url"])
    async with httpx.AsyncClient() as plain:  # no base URL, no headers: a player's requests

        async def fetch(url: str, content_type: str) -> httpx.Response:
            assert url.startswith(signed_prefix), url
            response = await plain.get(url)
            assert response.status_code == 200, (url, response.text)
            assert response.headers["content-type"].startswith(content_type), url
            return response

        master_url = urljoin(served.url, links["hls_url"])
        master = await fetch(master_url, "application/vnd.apple.mpegurl")
        assert master.text == MASTER_PLAYLIST
        assert _references(master.text) == ["audio/index.m3u8", "240p/index.m3u8"]
        for reference in _references(master.text):
            rung_url = urljoin(master_url, reference)
            rung = await fetch(rung_url, "application/vnd.apple.mpegurl")
            assert rung.text == MEDIA_PLAYLIST
            init, segment = (urljoin(rung_url, uri) for uri in _references(rung.text))
            assert (await fetch(init, "video/mp4")).content == INIT_BYTES
            assert (await fetch(segment, "video/iso.segment")).content == SEGMENT_BYTES

        storyboard_url = urljoin(served.url, links["storyboard_url"])
        storyboard = await fetch(storyboard_url, "text/vtt")
        assert storyboard.text == STORYBOARD_VTT
        cues = [line for line in storyboard.text.splitlines() if "#xywh=" in line]
        assert cues == ["storyboard.jpg#xywh=0,0,160,120", "storyboard.jpg#xywh=160,0,160,120"]
        sprites = {urldefrag(urljoin(storyboard_url, cue)).url for cue in cues}
        assert sprites == {urljoin(served.url, links["storyboard_sprite_url"])}
        assert (await fetch(sprites.pop(), "image/jpeg")).content == SPRITE_BYTES
        small = await fetch(urljoin(served.url, links["poster_small_url"]), "image/jpeg")
        assert small.content == POSTER_SMALL_BYTES


async def test_signed_urls_expire_and_cannot_be_tampered_with_or_widened(
    served: Served,
    token: str,
    other_token: str,
    jetstream: JetStreamContext,
    blob_root: Path,
) -> None:
    gateway = served.gateway
    video = await _processed_video(gateway, token, jetstream, blob_root)
    other = await _processed_video(gateway, other_token, jetstream, blob_root)
    owner, video_id = uuid.UUID(video["owner_id"]), uuid.UUID(video["id"])
    signer = MediaSigner(SIGNING_KEY.encode())
    future = int(time.time()) + 600

    def url(grant: Grant, path: str, signing: MediaSigner = signer) -> str:
        return f"{served.url}/media/{signing.token(grant)}/{path}"

    async with httpx.AsyncClient() as plain:

        async def code(target: str) -> tuple[int, str]:
            response = await plain.get(target)
            return response.status_code, response.json().get("code", "")

        assert await code(url(Grant(owner, video_id, "", int(time.time()) - 1), "source")) == (
            403,
            "url_expired",
        )
        # One character of the signature changed.
        token_part = video["playback"]["mp4_url"].split("/media/")[1].split("/")[0]
        payload, mac = token_part.split(".")
        flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
        assert await code(f"{served.url}/media/{payload}.{flipped}/source") == (
            403,
            "signature_invalid",
        )
        # The payload of another video with this video's signature.
        other_token_part = other["playback"]["base_url"].split("/media/")[1].rstrip("/")
        forged = f"{other_token_part.split('.')[0]}.{mac}"
        assert await code(f"{served.url}/media/{forged}/source") == (403, "signature_invalid")
        # A URL scoped to one file or folder opens nothing else.
        poster_only = Grant(owner, video_id, "metadata/poster.jpg", future)
        assert (await plain.get(url(poster_only, "metadata/poster.jpg"))).status_code == 200
        assert await code(url(poster_only, "source")) == (403, "signature_invalid")
        ladder = Grant(owner, video_id, "transcode/", future)
        assert (await plain.get(url(ladder, "transcode/hls/download.mp4"))).status_code == 200
        assert await code(url(ladder, "metadata/poster.jpg")) == (403, "signature_invalid")
        for escape in (
            "transcode/%2e%2e/source",
            "transcode//hls/download.mp4",
            "transcode/.x.partial",
        ):
            assert await code(url(ladder, escape)) == (403, "signature_invalid"), escape
        # Another key signs nothing Echo accepts.
        stranger = MediaSigner(b"another-key-" + b"z" * 32)
        assert await code(url(Grant(owner, video_id, "", future), "source", stranger)) == (
            403,
            "signature_invalid",
        )


async def test_urls_signed_with_the_previous_key_work_after_rotation(
    serve_gateway: Any, token: str, blob_root: Path
) -> None:
    new_key = "rotated-signing-key-" + "n" * 32
    async with serve_gateway(
        signing_key=SecretStr(new_key), signing_key_previous=SecretStr(SIGNING_KEY)
    ) as served:
        upload = await served.gateway.upload_ok(token, b"kept")
        grant = Grant(
            uuid.UUID(upload["video"]["owner_id"]),
            uuid.UUID(upload["video"]["id"]),
            "",
            int(time.time()) + 60,
        )
        async with httpx.AsyncClient() as plain:
            for key in (SIGNING_KEY, new_key):
                signed = MediaSigner(key.encode()).token(grant)
                response = await plain.get(f"{served.url}/media/{signed}/source")
                assert response.content == b"kept"


async def test_a_deleted_videos_urls_stop_working(
    served: Served, token: str, jetstream: JetStreamContext, blob_root: Path
) -> None:
    video = await _processed_video(served.gateway, token, jetstream, blob_root)
    gateway = served.gateway
    deleted = await gateway.client.delete(f"/api/videos/{video['id']}", headers=gateway.auth(token))
    assert deleted.status_code == 204
    async with httpx.AsyncClient() as plain:
        response = await plain.get(served.url + video["playback"]["mp4_url"])
    assert (response.status_code, response.json()["code"]) == (404, "file_not_found")
