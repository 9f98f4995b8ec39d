"""Poster and storyboard together, from one opening of the upload: what the job calls.

Opening is not free (FFmpeg decodes frames to learn the streams: over a second for
4K under load), so both pictures share one demuxer. They are encoded in memory (a
few hundred kB) and the job stores them through the worker kit's staged outputs.
"""

from pathlib import Path

from services.common.media import MediaLimits, open_untrusted
from services.metadata.picture import Checkpoint, KeyframeReader, keep_going, video_stream
from services.metadata.poster import Poster, PosterOptions, posters_of
from services.metadata.storyboard import EncodedStoryboard, StoryboardOptions, storyboard_of

DEFAULT_POSTER = PosterOptions()
DEFAULT_STORYBOARD = StoryboardOptions()


def render_pictures(
    source: Path,
    limits: MediaLimits,
    poster: PosterOptions = DEFAULT_POSTER,
    storyboard: StoryboardOptions = DEFAULT_STORYBOARD,
    *,
    checkpoint: Checkpoint = keep_going,
) -> tuple[list[Poster], EncodedStoryboard]:
    """The posters (in `poster.widths` order) and the storyboard, encoded.

    Raises `MediaError` (`no_playable_stream` for a file without a decodable video
    frame: call it only when the probe found video). `checkpoint` runs before each
    frame is decoded.
    """
    with open_untrusted(source, limits) as container:
        reader = KeyframeReader(container, video_stream(container))
        return (
            posters_of(reader, limits, poster, checkpoint),
            storyboard_of(reader, limits, storyboard, checkpoint),
        )
