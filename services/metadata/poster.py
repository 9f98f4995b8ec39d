"""The poster: a representative upright frame of the video, as JPEG in several widths.

Keyframes are tried at evenly spaced times across a window of the duration (by
default 10-30 %): black, fading and blank ones are passed over, and the sharpest
of the rest is taken. When the whole window is unusable (a long black intro),
later times are tried, then the first 300 frames in order (a short clip may have
a single keyframe, black), then the best-contrasted frame seen, then the first
frame that decodes. The frame is drawn with the transcoder's upright filters
(deinterlaced, turned, square pixels) at the display shape, once per width.
"""

from dataclasses import dataclass
from pathlib import Path

from av.video.frame import VideoFrame

from contracts.enums import JobErrorCode
from services.common.media import (
    DisplayGeometry,
    MediaError,
    MediaLimits,
    decode,
    open_untrusted,
    picture_geometry,
)
from services.metadata.picture import (
    Checkpoint,
    KeyframeReader,
    encode_jpeg,
    first_picture,
    keep_going,
    upright,
    video_duration,
    video_stream,
    write_complete,
)
from services.metadata.scoring import FrameScore, score

CONTENT_TYPE = "image/jpeg"
# Bounds the picture a hostile aspect ratio could ask for; a 9:32 phone screen still fits.
_MAX_HEIGHT_RATIO = 4
_WINDOW_STEPS = 5
_LATER_SHARES = (0.4, 0.5, 0.6, 0.7, 0.85, 0.05)
"""Where to look when the window holds only black, fading or blank frames."""
_SCAN_FRAMES = 300
_SCAN_EVERY = 5
"""Then every fifth of the first 300 frames is scored, in order."""


@dataclass(frozen=True)
class PosterOptions:
    """Where the poster is looked for and how it is written."""

    position: float = 0.1
    """Start of the preferred window, as a share of the duration in [0, 1)."""
    window: float = 0.2
    """Width of the preferred window, as a share of the duration."""
    max_width: int = 1280
    """Widest the large poster may be; the height follows the display shape."""
    small_width: int = 320
    """Widest the small poster (lists, grids) may be."""
    qscale: int = 4
    """JPEG quantizer, 2 (best) to 31."""

    @property
    def widths(self) -> tuple[int, int]:
        return self.max_width, self.small_width


@dataclass(frozen=True)
class Poster:
    """An encoded poster."""

    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PosterFile:
    """One written poster JPEG."""

    path: Path
    width: int
    height: int


def poster_size(geometry: DisplayGeometry, max_width: int) -> tuple[int, int]:
    """The display size fitted within `max_width` (and a height of 4 x `max_width`)."""
    return geometry.fit(max_width=max_width, max_height=_MAX_HEIGHT_RATIO * max_width)


def make_poster(
    source: Path,
    limits: MediaLimits,
    out_dir: Path,
    options: PosterOptions = PosterOptions(),
    *,
    checkpoint: Checkpoint = keep_going,
) -> list[PosterFile]:
    """Write `poster-<max width>.jpg` per width into `out_dir`, widest first.

    Raises `MediaError`. `checkpoint` runs before each frame is decoded; nothing is
    written until every JPEG is encoded, and each file appears complete or not at all.
    """
    posters = render_posters(source, limits, options, checkpoint=checkpoint)
    return write_posters(posters, options, out_dir)


def write_posters(posters: list[Poster], options: PosterOptions, out_dir: Path) -> list[PosterFile]:
    """Write encoded posters (in `options.widths` order) as `poster-<max width>.jpg`."""
    return [
        PosterFile(
            write_complete(out_dir / f"poster-{width}.jpg", poster.data),
            poster.width,
            poster.height,
        )
        for width, poster in zip(options.widths, posters, strict=True)
    ]


def render_posters(
    source: Path,
    limits: MediaLimits,
    options: PosterOptions = PosterOptions(),
    *,
    checkpoint: Checkpoint = keep_going,
) -> list[Poster]:
    """The poster encoded at `options.widths`, in that order, in memory; raises `MediaError`."""
    with open_untrusted(source, limits) as container:
        reader = KeyframeReader(container, video_stream(container))
        return posters_of(reader, limits, options, checkpoint)


def posters_of(
    reader: KeyframeReader, limits: MediaLimits, options: PosterOptions, checkpoint: Checkpoint
) -> list[Poster]:
    """The poster of an opened video, encoded at `options.widths`, in that order."""
    container, stream = reader.container, reader.stream
    frame = _representative(reader, options, limits, checkpoint)
    if frame is None:
        frame = first_picture(container, stream, limits)
    geometry = picture_geometry(stream, frame)
    posters = []
    for width in options.widths:
        size = poster_size(geometry, width)
        posters.append(Poster(encode_jpeg(upright(frame, stream, size), options.qscale), *size))
    return posters


def _representative(
    reader: KeyframeReader, options: PosterOptions, limits: MediaLimits, checkpoint: Checkpoint
) -> VideoFrame | None:
    duration = video_duration(reader.container, reader.stream)
    step = options.window / (_WINDOW_STEPS - 1)
    window = [options.position + step * index for index in range(_WINDOW_STEPS)]
    seen: dict[int, tuple[FrameScore, VideoFrame]] = {}
    for shares in (window, _LATER_SHARES):
        for share in shares:
            checkpoint()
            found = reader.at(min(max(share, 0.0), 1.0) * duration)
            if found is not None and found[0] not in seen:
                seen[found[0]] = (score(found[1]), found[1])
        usable = [pair for pair in seen.values() if pair[0].usable]
        if usable:
            return max(usable, key=lambda pair: pair[0].sharpness)[1]
    scanned = _first_usable(reader, limits, checkpoint)
    if scanned is not None:
        return scanned
    if not seen:
        return None
    return max(seen.values(), key=lambda pair: pair[0].contrast)[1]


def _first_usable(
    reader: KeyframeReader, limits: MediaLimits, checkpoint: Checkpoint
) -> VideoFrame | None:
    """The first usable frame among the first `_SCAN_FRAMES`, decoded in order: a short
    clip that opens on black may have a single keyframe, and it is black."""
    container, stream = reader.container, reader.stream
    try:
        container.seek(0)
        for index, frame in enumerate(decode(container, [stream], limits)):
            if index >= _SCAN_FRAMES:
                break
            if index % _SCAN_EVERY == 0 and isinstance(frame, VideoFrame):
                checkpoint()
                if score(frame).usable:
                    return frame
    except MediaError as error:
        if error.error.code is not JobErrorCode.DAMAGED_MEDIA:
            raise
    return None
