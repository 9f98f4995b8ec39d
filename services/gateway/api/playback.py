"""The signed playback links of a video: one token for its whole folder, and where in the
folder each playable file is."""

import time
from datetime import UTC, datetime
from pathlib import PurePosixPath

from contracts.rest import PlaybackLinksSchema
from services.gateway.api import views
from services.gateway.api.signing import Grant, MediaSigner
from services.gateway.api.views import Links
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.storage import video_prefix


def relative_path(video: VideoRecord, key: str) -> str | None:
    """`key` relative to the video's folder; None for a key outside it."""
    prefix = video_prefix(video.owner_id, video.id) + "/"
    return key.removeprefix(prefix) if key.startswith(prefix) else None


def playback_links(
    video: VideoRecord, jobs: list[JobRecord], signer: MediaSigner, links: Links, ttl_seconds: int
) -> PlaybackLinksSchema:
    """Fresh signed URLs for everything playable of `video` (scope: its whole folder)."""
    expires_at = int(time.time()) + ttl_seconds
    token = signer.token(Grant(video.owner_id, video.id, "", expires_at))

    def url(key: str | None) -> str | None:
        path = relative_path(video, key) if key else None
        return links.media(token, path) if path is not None else None

    outputs = views.renditions_of(jobs)
    playlists = [r for r in outputs if PurePosixPath(r.file.key).suffix == ".m3u8"]
    mp4s = [r for r in outputs if r.container == "mp4"]
    extracted = views.metadata_result_of(jobs)
    return PlaybackLinksSchema(
        expires_at=datetime.fromtimestamp(expires_at, UTC),
        base_url=links.media(token),
        mp4_url=url(mp4s[0].file.key) if mp4s else None,
        hls_url=url(playlists[0].file.key) if playlists else None,
        poster_url=url(extracted.poster.key) if extracted and extracted.poster else None,
        storyboard_url=url(extracted.storyboard.vtt.key)
        if extracted and extracted.storyboard
        else None,
        source_url=url(video.source_key) or links.media(token, "source"),
    )
