"""HLS packaging: reading back the media playlists FFmpeg wrote, and the master playlist.

FFmpeg's `hls` muxer (fMP4 segments) writes each rendition's media playlist, init
segment and segments. Here they are read back, measured (peak and average bit rate
per segment), checked (segments line up across video renditions) and summed up in
the master playlist. Audio is its own rendition group (`EXT-X-MEDIA TYPE=AUDIO`):
it is encoded once, stored once instead of once per rung, and a player switching
rungs keeps its audio buffer.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

AUDIO_GROUP = "audio"
AAC_LC_CODECS = "mp4a.40.2"
ALIGNMENT_TOLERANCE_SECONDS = 0.002
"""How far segment durations of two video renditions may differ (timestamp rounding)."""


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float
    size_bytes: int

    @property
    def bitrate(self) -> float:
        return self.size_bytes * 8 / self.duration if self.duration > 0 else 0.0


@dataclass(frozen=True)
class MediaPlaylist:
    """A media playlist as written, with the sizes of the files it names."""

    path: Path
    init_uri: str | None
    init_size_bytes: int
    segments: tuple[Segment, ...]

    @property
    def duration(self) -> float:
        return sum(segment.duration for segment in self.segments)

    @property
    def size_bytes(self) -> int:
        return self.init_size_bytes + sum(segment.size_bytes for segment in self.segments)

    @property
    def peak_bitrate(self) -> int:
        """Highest segment bit rate, rounded up: the HLS `BANDWIDTH` of this track."""
        return math.ceil(max((segment.bitrate for segment in self.segments), default=0.0))

    @property
    def average_bitrate(self) -> int:
        """Bits of every segment over the whole duration: `AVERAGE-BANDWIDTH`."""
        media_bytes = sum(segment.size_bytes for segment in self.segments)
        return math.ceil(media_bytes * 8 / self.duration) if self.duration > 0 else 0

    def files(self) -> tuple[str, ...]:
        """Paths relative to the playlist's folder: init, segments, the playlist last."""
        named = [] if self.init_uri is None else [self.init_uri]
        return (*named, *(segment.uri for segment in self.segments), self.path.name)


def read_media_playlist(path: Path) -> MediaPlaylist:
    """Parse a VOD media playlist (the tags FFmpeg's `hls` muxer writes) and size its files."""
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not lines or lines[0] != "#EXTM3U":
        raise ValueError(f"{path} is not an HLS playlist")
    if "#EXT-X-ENDLIST" not in lines:
        raise ValueError(f"{path} is not finished (no #EXT-X-ENDLIST)")
    init_uri: str | None = None
    segments: list[Segment] = []
    pending: float | None = None
    for line in lines[1:]:
        if line.startswith("#EXT-X-MAP:"):
            init_uri = _attribute(line, "URI")
        elif line.startswith("#EXTINF:"):
            pending = float(line.removeprefix("#EXTINF:").split(",", 1)[0])
        elif not line.startswith("#"):
            if pending is None:
                raise ValueError(f"{path}: segment {line} has no #EXTINF")
            _check_relative(path, line)
            segments.append(Segment(line, pending, (path.parent / line).stat().st_size))
            pending = None
    if init_uri is not None:
        _check_relative(path, init_uri)
    init_size = (path.parent / init_uri).stat().st_size if init_uri is not None else 0
    return MediaPlaylist(path, init_uri, init_size, tuple(segments))


def _attribute(line: str, name: str) -> str:
    for part in line.split(":", 1)[1].split(","):
        key, _, value = part.partition("=")
        if key == name:
            return value.strip('"')
    raise ValueError(f"no {name} in {line}")


def _check_relative(path: Path, uri: str) -> None:
    # Outputs move from staging to their final place (and to blob storage): a playlist
    # must only name files beside it.
    if "/" in uri or "\\" in uri or uri.startswith("."):
        raise ValueError(f"{path} names {uri!r}, not a file beside it")


def check_aligned(playlists: Sequence[MediaPlaylist]) -> None:
    """Raise if the video renditions' segments do not start at the same times."""
    if not playlists:
        return
    reference = playlists[0]
    for other in playlists[1:]:
        if len(other.segments) != len(reference.segments):
            raise ValueError(
                f"{other.path} has {len(other.segments)} segments, "
                f"{reference.path} has {len(reference.segments)}"
            )
        for index, (mine, theirs) in enumerate(
            zip(reference.segments, other.segments, strict=True)
        ):
            if abs(mine.duration - theirs.duration) > ALIGNMENT_TOLERANCE_SECONDS:
                raise ValueError(
                    f"segment {index} lasts {theirs.duration:.3f} s in {other.path}, "
                    f"{mine.duration:.3f} s in {reference.path}"
                )


def avc_codecs(extradata: bytes) -> str:
    """RFC 6381 `avc1.PPCCLL` from an H.264 encoder's extradata (Annex B or avcC)."""
    sps: bytes | None = None
    if extradata[:1] == b"\x01" and len(extradata) >= 4:
        # avcC: version, profile, compatibility, level.
        sps = b"\x67" + extradata[1:4]
    else:
        for chunk in extradata.replace(b"\x00\x00\x00\x01", b"\x00\x00\x01").split(b"\x00\x00\x01"):
            if chunk and chunk[0] & 0x1F == 7 and len(chunk) >= 4:
                sps = chunk
                break
    if sps is None:
        raise ValueError("no H.264 sequence parameter set in the encoder's extradata")
    return f"avc1.{sps[1]:02X}{sps[2]:02X}{sps[3]:02X}"


@dataclass(frozen=True)
class Variant:
    """One `EXT-X-STREAM-INF` entry."""

    uri: str
    bandwidth: int
    average_bandwidth: int
    codecs: str
    resolution: tuple[int, int] | None = None
    frame_rate: Fraction | None = None
    audio_group: str | None = None


@dataclass(frozen=True)
class AudioRendition:
    """The `EXT-X-MEDIA` entry of the audio group."""

    uri: str
    channels: int = 2
    name: str = "Audio"
    language: str | None = None


def master_playlist(variants: Sequence[Variant], audio: AudioRendition | None) -> str:
    """The master playlist text: highest variant first, as Apple's authoring spec shows."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if audio is not None:
        attributes = [
            "TYPE=AUDIO",
            f'GROUP-ID="{AUDIO_GROUP}"',
            f'NAME="{audio.name}"',
            *([f'LANGUAGE="{audio.language}"'] if audio.language else []),
            "DEFAULT=YES",
            "AUTOSELECT=YES",
            f'CHANNELS="{audio.channels}"',
            f'URI="{audio.uri}"',
        ]
        lines.append("#EXT-X-MEDIA:" + ",".join(attributes))
    for variant in sorted(variants, key=lambda variant: variant.bandwidth, reverse=True):
        attributes = [
            f"BANDWIDTH={variant.bandwidth}",
            f"AVERAGE-BANDWIDTH={variant.average_bandwidth}",
            f'CODECS="{variant.codecs}"',
        ]
        if variant.resolution is not None:
            attributes.append(f"RESOLUTION={variant.resolution[0]}x{variant.resolution[1]}")
        if variant.frame_rate is not None:
            attributes.append(f"FRAME-RATE={float(variant.frame_rate):.3f}")
        if variant.audio_group is not None:
            attributes.append(f'AUDIO="{variant.audio_group}"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), variant.uri]
    return "\n".join(lines) + "\n"
