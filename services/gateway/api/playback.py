"""The signed playback links of a video: one token for its whole folder, and where in the
folder each playable file is."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from contracts.events import TranscodeResult
from contracts.outputs import OutputKind, OutputStatus
from contracts.rest import PlaybackLinksSchema, TranscodeOutputResponseSchema
from services.gateway.api import views
from services.gateway.api.signing import Grant
from services.gateway.db.records import JobRecord, VideoRecord
from services.gateway.parts import GatewayParts
from services.gateway.storage import video_prefix


@dataclass(frozen=True)
class SignedFolder:
    """A video's folder behind one fresh signature: any key inside it becomes a URL."""

    prefix: str
    """The video's blob prefix, with its trailing `/`."""
    base_url: str
    """The signed prefix of every file of the folder, with its trailing `/`."""
    expires_at: int

    def url(self, key: str | None) -> str | None:
        """The signed URL of `key`; None for no key or a key outside the folder."""
        if key is None or not key.startswith(self.prefix):
            return None
        return self.base_url + key.removeprefix(self.prefix)


def sign_folder(parts: GatewayParts, owner_id: UUID, video_id: UUID) -> SignedFolder:
    """Sign the whole folder of a video for the configured time."""
    expires_at = int(time.time()) + parts.config.gateway.playback_url_ttl_seconds
    token = parts.signer.token(Grant(owner_id, video_id, "", expires_at))
    return SignedFolder(
        prefix=video_prefix(owner_id, video_id) + "/",
        base_url=parts.links.media(token),
        expires_at=expires_at,
    )


def outputs(
    result: TranscodeResult | None, folder: SignedFolder
) -> list[TranscodeOutputResponseSchema]:
    """Every output of a transcode with its status; ready ones with their signed URL."""
    return [
        TranscodeOutputResponseSchema(
            name=output.name,
            kind=output.kind,
            status=output.status,
            reason=output.reason,
            url=folder.url(output.file.key)
            if output.status is OutputStatus.READY and output.file
            else None,
            output=output,
        )
        for output in (result.outputs if result else [])
    ]


def _mp4_key(result: TranscodeResult | None) -> str | None:
    """The MP4 download: the ready MP4 output, else (older results) the MP4 rendition."""
    if result is None:
        return None
    for output in result.outputs:
        if output.kind is OutputKind.MP4 and output.status is OutputStatus.READY and output.file:
            return output.file.key
    mp4s = [rendition for rendition in result.renditions if rendition.container == "mp4"]
    return mp4s[0].file.key if mp4s else None


def playback_links(
    video: VideoRecord, jobs: list[JobRecord], folder: SignedFolder
) -> PlaybackLinksSchema:
    """Signed URLs for everything playable of `video`, in the signed `folder`."""
    transcoded = views.transcode_result_of(jobs)
    master = transcoded.master_playlist if transcoded else None
    extracted = views.metadata_result_of(jobs)
    posters = extracted.posters if extracted else []
    poster = posters[0].file if posters else extracted.poster if extracted else None
    small = posters[-1].file if posters else poster  # largest first
    board = extracted.storyboard if extracted else None
    return PlaybackLinksSchema(
        expires_at=datetime.fromtimestamp(folder.expires_at, UTC),
        base_url=folder.base_url,
        mp4_url=folder.url(_mp4_key(transcoded)),
        hls_url=folder.url(master.key if master else None),
        poster_url=folder.url(poster.key if poster else None),
        poster_small_url=folder.url(small.key if small else None),
        storyboard_url=folder.url(board.vtt.key if board else None),
        storyboard_sprite_url=folder.url(board.sprite.key if board else None),
        source_url=folder.url(video.source_key) or folder.base_url + "source",
    )
