"""The storyboard: evenly spaced thumbnails in one sprite-sheet JPEG, and a WebVTT index.

Each thumbnail stands for an equal slice of the duration, no shorter than 2 s
(one for a video under 4 s), at most 100: about 100 for a long video, and one
per 10 s or more often up to 1000 s. The picture of a slice is the keyframe
at or before its middle, found by seeking and decoded alone (`picture.KeyframeReader`):
the cost is one seek and at most one decoded frame per thumbnail, whatever the
length of the video, and slices that fall on the same keyframe share its picture.

Each cue of the VTT covers one slice and names the sprite with a `#xywh=x,y,w,h`
fragment (video.js, Mux, PeerTube); the sprite is named relative to the VTT.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from services.common.media import MediaLimits, open_untrusted, picture_geometry
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

SPRITE_NAME = "storyboard.jpg"
VTT_NAME = "storyboard.vtt"
SPRITE_CONTENT_TYPE = "image/jpeg"
VTT_CONTENT_TYPE = "text/vtt"
# Black in full-range YUV: the background where no thumbnail is drawn.
_BLACK = (0, 128, 128)


@dataclass(frozen=True)
class StoryboardOptions:
    """How many thumbnails, how big, and how they are laid out."""

    max_thumbnails: int = 100
    min_interval_seconds: float = 2.0
    tile_size: int = 160
    """Longest side of a thumbnail; the other follows the display shape."""
    columns: int = 10
    qscale: int = 5
    """JPEG quantizer of the sprite, 2 (best) to 31."""


@dataclass(frozen=True)
class StoryboardPlan:
    """Slices of the duration, one thumbnail each."""

    duration_seconds: float
    count: int
    interval_seconds: float

    @classmethod
    def for_duration(cls, duration: float, options: StoryboardOptions) -> "StoryboardPlan":
        """At most `max_thumbnails`, none shorter than `min_interval_seconds` (but one at least)."""
        duration = max(duration, 0.0)
        by_interval = math.floor(duration / options.min_interval_seconds)
        count = max(1, min(options.max_thumbnails, by_interval))
        return cls(duration, count, (duration / count) or options.min_interval_seconds)

    def slice(self, index: int) -> tuple[float, float]:
        """Start and end of slice `index` in seconds; the last ends at the duration."""
        start = index * self.interval_seconds
        end = self.duration_seconds if index == self.count - 1 else start + self.interval_seconds
        return start, max(end, start + 0.001)


@dataclass(frozen=True)
class StoryboardFiles:
    """A written storyboard."""

    sprite: Path
    vtt: Path
    tile_width: int
    tile_height: int
    columns: int
    count: int
    interval_seconds: float


@dataclass(frozen=True)
class EncodedStoryboard:
    """A storyboard in memory, not yet written."""

    sprite: bytes
    vtt: str
    plan: StoryboardPlan
    tile_size: tuple[int, int]
    columns: int


def make_storyboard(
    source: Path,
    limits: MediaLimits,
    out_dir: Path,
    options: StoryboardOptions = StoryboardOptions(),
    *,
    checkpoint: Checkpoint = keep_going,
) -> StoryboardFiles:
    """Write `storyboard.jpg` and `storyboard.vtt` into `out_dir`; raises `MediaError`.

    `checkpoint` runs before each thumbnail; nothing is written until the sprite is
    encoded, and each file appears complete or not at all.
    """
    with open_untrusted(source, limits) as container:
        reader = KeyframeReader(container, video_stream(container))
        board = storyboard_of(reader, limits, options, checkpoint)
    return write_storyboard(board, out_dir)


def storyboard_of(
    reader: KeyframeReader,
    limits: MediaLimits,
    options: StoryboardOptions,
    checkpoint: Checkpoint,
) -> EncodedStoryboard:
    """The storyboard of an opened video, encoded."""
    container, stream = reader.container, reader.stream
    plan = StoryboardPlan.for_duration(video_duration(container, stream), options)
    tiles: list[VideoFrame | None] = []
    drawn: dict[int, VideoFrame] = {}
    size: tuple[int, int] | None = None
    for index in range(plan.count):
        checkpoint()
        start, end = plan.slice(index)
        found = reader.at((start + end) / 2)
        if found is None:
            tiles.append(tiles[-1] if tiles else None)
            continue
        pts, frame = found
        size = size or _tile_size(stream, frame, options)
        if pts not in drawn:
            drawn[pts] = upright(frame, stream, size)
        tiles.append(drawn[pts])
    if size is None:
        frame = first_picture(container, stream, limits)
        size = _tile_size(stream, frame, options)
        tiles = [upright(frame, stream, size)] * plan.count
    columns = min(options.columns, plan.count)
    return EncodedStoryboard(
        sprite=encode_jpeg(_sprite(tiles, size, columns), options.qscale),
        vtt=webvtt(plan, size, columns, SPRITE_NAME),
        plan=plan,
        tile_size=size,
        columns=columns,
    )


def write_storyboard(board: EncodedStoryboard, out_dir: Path) -> StoryboardFiles:
    """Write an encoded storyboard as `storyboard.jpg` and `storyboard.vtt`."""
    width, height = board.tile_size
    return StoryboardFiles(
        sprite=write_complete(out_dir / SPRITE_NAME, board.sprite),
        vtt=write_complete(out_dir / VTT_NAME, board.vtt.encode()),
        tile_width=width,
        tile_height=height,
        columns=board.columns,
        count=board.plan.count,
        interval_seconds=board.plan.interval_seconds,
    )


def webvtt(plan: StoryboardPlan, size: tuple[int, int], columns: int, sprite_url: str) -> str:
    """The WebVTT text: one cue per slice, pointing at its tile of the sprite."""
    width, height = size
    cues = ["WEBVTT", ""]
    for index in range(plan.count):
        start, end = plan.slice(index)
        x, y = (index % columns) * width, (index // columns) * height
        cues += [
            f"{_timestamp(start)} --> {_timestamp(end)}",
            f"{sprite_url}#xywh={x},{y},{width},{height}",
            "",
        ]
    return "\n".join(cues)


def _sprite(tiles: list[VideoFrame | None], size: tuple[int, int], columns: int) -> VideoFrame:
    """The tiles laid out row by row in one full-range 4:2:0 picture (sides are even)."""
    width, height = size
    rows = math.ceil(len(tiles) / columns)
    planes = [
        np.full((rows * height // scale, columns * width // scale), value, dtype=np.uint8)
        for scale, value in zip((1, 2, 2), _BLACK, strict=True)
    ]
    for index, tile in enumerate(tiles):
        if tile is None:
            continue
        row, column = divmod(index, columns)
        for plane, scale, source in zip(planes, (1, 2, 2), tile.planes, strict=True):
            h, w = height // scale, width // scale
            rows_of_bytes = np.frombuffer(memoryview(source), dtype=np.uint8)
            pixels = rows_of_bytes.reshape(-1, source.line_size)[:h, :w]
            plane[row * h : (row + 1) * h, column * w : (column + 1) * w] = pixels
    packed = np.concatenate([plane.ravel() for plane in planes])
    return VideoFrame.from_ndarray(
        packed.reshape(rows * height * 3 // 2, columns * width), format="yuvj420p"
    )


def _tile_size(
    stream: VideoStream, frame: VideoFrame, options: StoryboardOptions
) -> tuple[int, int]:
    geometry = picture_geometry(stream, frame)
    return geometry.fit(max_width=options.tile_size, max_height=options.tile_size)


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
