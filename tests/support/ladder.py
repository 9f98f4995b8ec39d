"""Checkers of a written ladder: read it back with a real HLS parser and decode every rendition."""

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import m3u8
from av.container import InputContainer
from av.stream import Disposition

from services.transcoder.ladder import LadderResult


@dataclass(frozen=True)
class RenditionFile:
    """A rendition's init segment and media segments joined into one playable fMP4."""

    path: Path
    segment_starts: tuple[float, ...]
    """Presentation time of each segment's first frame, in seconds."""
    segment_keyframes: tuple[bool, ...]
    """Whether each segment starts with a keyframe."""


Ladder = LadderResult | Path
"""A ladder as `encode_ladder` returned it, or the folder it is stored in."""


def ladder_folder(ladder: Ladder) -> Path:
    return ladder.out_dir if isinstance(ladder, LadderResult) else ladder


def media_playlist(ladder: Ladder, uri: str) -> m3u8.M3U8:
    playlist = m3u8.load(str(ladder_folder(ladder) / uri))
    assert not playlist.is_variant
    return playlist


def join_rendition(ladder: Ladder, uri: str, target: Path) -> RenditionFile:
    """Concatenate init + segments of the media playlist at `uri` (a fragmented MP4 plays so)."""
    playlist = media_playlist(ladder, uri)
    folder = (ladder_folder(ladder) / uri).parent
    (init,) = playlist.segment_map
    init_bytes = (folder / init.uri).read_bytes()
    starts: list[float] = []
    keyframes: list[bool] = []
    with target.open("wb") as joined:
        joined.write(init_bytes)
        for index, segment in enumerate(playlist.segments):
            data = (folder / segment.uri).read_bytes()
            joined.write(data)
            single = target.with_name(f"{target.stem}.seg{index}.mp4")
            single.write_bytes(init_bytes + data)
            start, key = _first_packet(single)
            starts.append(start)
            keyframes.append(key)
            single.unlink()
    return RenditionFile(target, tuple(starts), tuple(keyframes))


def _first_packet(path: Path) -> tuple[float, bool]:
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        stream = container.streams[0]
        first = min(
            (packet for packet in container.demux(stream) if packet.pts is not None),
            key=lambda packet: packet.pts or 0,
        )
        assert first.pts is not None
        assert first.time_base is not None
        return float(first.pts * first.time_base), first.is_keyframe


def video_frame_times(path: Path) -> list[Fraction]:
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        times = []
        for frame in container.decode(video=0):
            assert frame.pts is not None
            assert frame.time_base is not None
            times.append(frame.pts * frame.time_base)
        return times


def peak_segment_bitrate(ladder: Ladder, uri: str) -> float:
    playlist = media_playlist(ladder, uri)
    folder = (ladder_folder(ladder) / uri).parent
    rates: list[float] = [
        (folder / segment.uri).stat().st_size * 8 / float(segment.duration)
        for segment in playlist.segments
    ]
    return max(rates)


def box_order(path: Path) -> list[str]:
    """The top-level MP4 boxes, in file order."""
    boxes = []
    with path.open("rb") as file:
        while header := file.read(8):
            size = int.from_bytes(header[:4], "big")
            name = header[4:8].decode("latin-1")
            if size == 1:
                size = int.from_bytes(file.read(8), "big")
                file.seek(size - 16, 1)
            elif size == 0:
                boxes.append(name)
                break
            else:
                file.seek(size - 8, 1)
            boxes.append(name)
    return boxes


def check_media_playlist(playlist: m3u8.M3U8) -> None:
    """The tags every media playlist of the ladder must carry, consistent with its segments."""
    assert playlist.version == 7
    assert playlist.playlist_type == "vod"
    assert playlist.is_endlist
    assert len(playlist.segment_map) == 1
    assert playlist.segments
    longest = max(segment.duration for segment in playlist.segments)
    assert playlist.target_duration >= math.floor(longest + 0.5)


def source_span(path: Path, *, video: bool = True, audio: bool = True) -> float:
    """Seconds from the first to the end of the last sample of a file's first video and/or
    audio stream (the default or first audio, as the ladder picks)."""
    start, end = source_bounds(path, video=video, audio=audio)
    return end - start


def source_bounds(path: Path, *, video: bool = True, audio: bool = True) -> tuple[float, float]:
    """Time of the first sample and end of the last, as `source_span` counts them."""
    with av.open(str(path)) as container:
        assert isinstance(container, InputContainer)
        defaults = [s for s in container.streams.audio if s.disposition & Disposition.default]
        streams = [
            *(container.streams.video[:1] if video else []),
            *((defaults or list(container.streams.audio))[:1] if audio else []),
        ]
        start: Fraction | None = None
        end = Fraction(0)
        for packet in container.demux(streams):
            if packet.size == 0 and packet.pts is not None:
                # Ogg Theora's repeat-frame markers: the previous picture lasts until here.
                if packet.time_base is not None and packet.stream.type == "video":
                    repeat = (packet.pts + max(1, packet.duration or 0)) * packet.time_base
                    end = max(end, repeat)
                continue
            for frame in packet.decode():
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    continue
                if frame.pts is None or frame.time_base is None:
                    continue
                begins = frame.pts * frame.time_base
                if isinstance(frame, av.AudioFrame):
                    length = Fraction(frame.samples, frame.sample_rate)
                else:
                    length = (frame.duration or 0) * frame.time_base
                start = begins if start is None else min(start, begins)
                end = max(end, begins + length)
        return float(start or 0), float(end)


def check_stored_ladder(folder: Path) -> m3u8.M3U8:
    """The master playlist in `folder`, parsed; every variant's and rendition's media
    playlist parses, carries the ladder's tags and names only files that exist."""
    master = m3u8.load(str(folder / "master.m3u8"))
    assert master.is_variant
    uris = [variant.uri for variant in master.playlists]
    uris += [media.uri for media in master.media if media.uri]
    assert uris
    for uri in uris:
        playlist = media_playlist(folder, uri)
        check_media_playlist(playlist)
        base = (folder / uri).parent
        named = [segment.uri for segment in playlist.segments]
        named += [init.uri for init in playlist.segment_map]
        assert all((base / name).is_file() for name in named)
    return master
