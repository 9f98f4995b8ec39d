"""The HLS ladder on generated media: every rung decodes, lines up, and matches its playlists.

Each source is a few seconds of low resolution, except one 1080p second for the
full ladder. Until the worker kit of issue 5 lands, run these with `--noconftest`:
they use no fixture of `tests/transcoder/conftest.py`.
"""

import itertools
import re
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import m3u8
import numpy as np
import pytest
from av.container import OutputContainer
from av.stream import Disposition

from contracts.enums import JobPhase
from services.common.media import MediaError
from services.transcoder.ladder import (
    LadderCancelledError,
    LadderOptions,
    LadderResult,
    OutputKind,
    OutputStatus,
    encode_ladder,
)
from tests.support.ladder import (
    box_order,
    check_media_playlist,
    join_rendition,
    media_playlist,
    peak_segment_bitrate,
    video_frame_times,
)
from tests.support.media import (
    MediaSpec,
    VideoSource,
    decode_fully,
    make_media,
    make_not_media,
    write_source,
)

NTSC = Fraction(30000, 1001)
FRAMES = 180
FRAME = float(1 / NTSC)
SOURCE_SECONDS = float(FRAMES / NTSC)  # 6.006 s
FAST = LadderOptions(preset="ultrafast")


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> LadderResult:
    """640x360 at 29.97 fps with audio, 6 s: two rungs, two segments (4.004 s + 2.002 s)."""
    folder = tmp_path_factory.mktemp("landscape")
    source = write_source(
        folder / "source.mp4",
        VideoSource(
            width=640,
            height=360,
            frame_times=tuple(float(index / NTSC) for index in range(FRAMES)),
            last_frame_seconds=FRAME,
            time_base=Fraction(1, 30000),
        ),
    )
    return encode_ladder(source, folder / "ladder", FAST)


def test_every_rung_decodes_fully_at_its_size_rate_and_duration(
    landscape: LadderResult, tmp_path: Path
) -> None:
    rungs = [output for output in landscape.ready if output.kind is OutputKind.HLS_VIDEO]
    assert [(rung.name, rung.width, rung.height) for rung in rungs] == [
        ("360p", 640, 360),
        ("240p", 426, 240),
    ]
    for rung in rungs:
        assert rung.path is not None
        joined = join_rendition(landscape, rung.path, tmp_path / f"{rung.name}.mp4")
        decoded = decode_fully(joined.path)
        assert (decoded.width, decoded.height) == (rung.width, rung.height)
        assert decoded.audio_codec is None, "audio is its own rendition"
        assert decoded.video_frames == FRAMES
        assert abs(decoded.duration_seconds - SOURCE_SECONDS) <= FRAME + 1e-6
        times = video_frame_times(joined.path)
        assert {b - a for a, b in itertools.pairwise(times)} == {1 / NTSC}
        assert rung.frame_rate == NTSC
        assert rung.codecs is not None
        # ultrafast encodes the Constrained Baseline profile (42C0), level 3.0 (1E) here.
        assert re.fullmatch(r"avc1\.[0-9A-F]{6}", rung.codecs)


def test_segments_line_up_across_rungs_on_keyframes(
    landscape: LadderResult, tmp_path: Path
) -> None:
    joined = [
        join_rendition(landscape, f"{name}/index.m3u8", tmp_path / f"{name}.mp4")
        for name in ("360p", "240p")
    ]
    assert joined[0].segment_starts == pytest.approx([0.0, 4.004], abs=1e-3)
    assert joined[0].segment_starts == joined[1].segment_starts
    assert all(joined[0].segment_keyframes)
    assert all(joined[1].segment_keyframes)
    durations = [
        [segment.duration for segment in media_playlist(landscape, f"{name}/index.m3u8").segments]
        for name in ("360p", "240p")
    ]
    assert durations[0] == durations[1] == pytest.approx([4.004, 2.002], abs=1e-3)


def test_the_master_playlist_matches_the_media_playlists(landscape: LadderResult) -> None:
    master = m3u8.load(str(landscape.out_dir / landscape.master_playlist))
    assert master.is_variant
    (audio,) = master.media
    assert (audio.type, audio.group_id, audio.uri) == ("AUDIO", "audio", "audio/index.m3u8")
    audio_peak = peak_segment_bitrate(landscape, "audio/index.m3u8")
    assert [variant.uri for variant in master.playlists] == [
        "360p/index.m3u8",
        "240p/index.m3u8",
    ]
    for variant in master.playlists:
        info = variant.stream_info
        rung = landscape.output(variant.uri.split("/")[0])
        assert info.bandwidth >= peak_segment_bitrate(landscape, variant.uri) + audio_peak
        assert info.average_bandwidth <= info.bandwidth
        assert info.resolution == (rung.width, rung.height)
        assert info.frame_rate == pytest.approx(29.97)
        assert info.codecs == f"{rung.codecs},mp4a.40.2"
        assert info.audio == "audio"
    for uri in ("360p/index.m3u8", "240p/index.m3u8", "audio/index.m3u8"):
        playlist = media_playlist(landscape, uri)
        check_media_playlist(playlist)
        total = sum(segment.duration for segment in playlist.segments)
        assert total == pytest.approx(SOURCE_SECONDS, abs=0.05)


def test_the_audio_rendition_is_aac_stereo_as_long_as_the_source(
    landscape: LadderResult, tmp_path: Path
) -> None:
    joined = join_rendition(landscape, "audio/index.m3u8", tmp_path / "audio.mp4")
    decoded = decode_fully(joined.path)
    assert decoded.audio_codec == "aac"
    assert decoded.video_codec is None
    assert abs(decoded.duration_seconds - SOURCE_SECONDS) <= 0.05


def test_the_download_is_a_faststart_mp4_of_the_top_rung_below_720p(
    landscape: LadderResult,
) -> None:
    download = landscape.output("download")
    assert download.kind is OutputKind.MP4
    assert download.path is not None
    path = landscape.out_dir / download.path
    boxes = box_order(path)
    assert boxes.index("moov") < boxes.index("mdat")
    decoded = decode_fully(path)
    assert (decoded.width, decoded.height) == (640, 360)
    assert decoded.video_frames == FRAMES
    assert decoded.audio_codec == "aac"
    assert abs(decoded.duration_seconds - SOURCE_SECONDS) <= 0.05
    # The same packets as the 360p rung: its size is that rendition's video plus the audio.
    rung = landscape.output("360p")
    audio = landscape.output("audio")
    assert download.size_bytes == pytest.approx(rung.size_bytes + audio.size_bytes, rel=0.05)


def test_the_result_lists_exactly_the_files_written_with_the_master_last(
    landscape: LadderResult,
) -> None:
    written = sorted(
        str(path.relative_to(landscape.out_dir))
        for path in landscape.out_dir.rglob("*")
        if path.is_file()
    )
    assert sorted(landscape.files) == written
    assert landscape.files[-1] == "master.m3u8"
    playlists = [index for index, file in enumerate(landscape.files) if file.endswith(".m3u8")]
    assert playlists == list(range(len(landscape.files) - len(playlists), len(landscape.files)))
    skipped = {output.name: output.reason for output in landscape.outputs if output.reason}
    assert set(skipped) == {"1080p", "720p", "480p"}
    assert all(
        output.status is OutputStatus.SKIPPED for output in landscape.outputs if output.reason
    )
    assert not list(landscape.out_dir.parent.glob(".*staging"))


def test_a_1080p_source_gets_the_whole_ladder(tmp_path: Path) -> None:
    source = make_media(
        tmp_path / "hd.mp4", MediaSpec(duration_seconds=1.0, width=1920, height=1080, fps=30)
    )
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    rungs = [output for output in result.ready if output.kind is OutputKind.HLS_VIDEO]
    assert [(rung.width, rung.height) for rung in rungs] == [
        (1920, 1080),
        (1280, 720),
        (854, 480),
        (640, 360),
        (426, 240),
    ]
    assert result.output("download").height == 720
    for rung in rungs:
        assert rung.path is not None
        joined = join_rendition(result, rung.path, tmp_path / f"{rung.name}.mp4")
        assert decode_fully(joined.path).video_frames == 30


def test_portrait_rotated_video_comes_out_portrait(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "phone.mp4",
        VideoSource(
            width=480, height=270, rotation=-90, frame_times=tuple(i / 25 for i in range(25))
        ),
    )
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    rungs = [output for output in result.ready if output.kind is OutputKind.HLS_VIDEO]
    # 240p would be within 15 % of the source's own 270p: one rung.
    assert [(rung.width, rung.height) for rung in rungs] == [(270, 480)]
    assert rungs[0].path is not None
    decoded = decode_fully(join_rendition(result, rungs[0].path, tmp_path / "top.mp4").path)
    assert (decoded.width, decoded.height) == (270, 480)
    assert rungs[0].frame_rate == 25


def test_an_odd_sized_variable_rate_source_becomes_even_and_constant(tmp_path: Path) -> None:
    times = (0.0, 0.04, 0.1, 0.3, 0.31, 0.5, 0.9, 1.0, 1.2, 1.45)
    source = write_source(
        tmp_path / "vfr.mkv",
        VideoSource(
            width=315,
            height=273,
            pix_fmt="yuv444p",
            frame_times=times,
            last_frame_seconds=0.05,
            audio_layout=None,
            container_format="matroska",
        ),
    )
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    (rung,) = [output for output in result.ready if output.kind is OutputKind.HLS_VIDEO]
    assert (rung.width, rung.height) == (314, 272)
    assert rung.path is not None
    joined = join_rendition(result, rung.path, tmp_path / "rung.mp4")
    frames = video_frame_times(joined.path)
    assert rung.frame_rate is not None
    assert {b - a for a, b in itertools.pairwise(frames)} == {1 / rung.frame_rate}
    assert abs(decode_fully(joined.path).duration_seconds - 1.5) <= float(1 / rung.frame_rate)


def test_timestamps_far_from_zero_start_the_output_at_zero(tmp_path: Path) -> None:
    # MPEG-TS captures start anywhere (4200 s in the corpus); nothing may be filled before.
    source = write_source(
        tmp_path / "late.mkv",
        VideoSource(
            frame_times=tuple(100 + i / 25 for i in range(25)), container_format="matroska"
        ),
    )
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    rung = result.output("240p")
    assert rung.duration_seconds == pytest.approx(1.0, abs=0.04)
    assert rung.path is not None
    decoded = decode_fully(join_rendition(result, rung.path, tmp_path / "rung.mp4").path)
    assert decoded.video_frames == 25


def write_two_audio_tracks(path: Path) -> Path:
    """2 s of video, a first audio track of 0.5 s, and a second of 2 s flagged default."""
    with av.open(str(path), "w", format="matroska") as container:
        assert isinstance(container, OutputContainer)
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        video.options = {"preset": "ultrafast"}
        first, second = (container.add_stream("aac", rate=48_000) for _ in range(2))
        first.layout = second.layout = "stereo"
        first.disposition = Disposition(0)
        second.disposition = Disposition.default
        for index in range(50):
            picture = av.VideoFrame.from_ndarray(
                np.full((240, 320, 3), index * 4, np.uint8), format="rgb24"
            )
            picture.pts, picture.time_base = index, Fraction(1, 25)
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        for stream, seconds in ((first, 0.5), (second, 2.0)):
            total = int(seconds * 48_000)
            for offset in range(0, total, 1024):
                count = min(1024, total - offset)
                sound = av.AudioFrame.from_ndarray(
                    np.zeros((2, count), np.float32), format="fltp", layout="stereo"
                )
                sound.sample_rate, sound.pts = 48_000, offset
                sound.time_base = Fraction(1, 48_000)
                container.mux(stream.encode(sound))
            container.mux(stream.encode(None))
    return path


def test_of_several_audio_tracks_the_default_one_is_used(tmp_path: Path) -> None:
    source = write_two_audio_tracks(tmp_path / "two.mkv")
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    assert result.output("audio").duration_seconds == pytest.approx(2.0, abs=0.05)


def write_audio_with_gaps(path: Path) -> Path:
    """2.5 s of 25 fps video; audio from 0.3 s to 1 s and from 1.5 s to 2.5 s only."""
    with av.open(str(path), "w", format="matroska") as container:
        assert isinstance(container, OutputContainer)
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        video.options = {"preset": "ultrafast"}
        audio = container.add_stream("aac", rate=48_000)
        audio.layout = "stereo"
        for index in range(round(2.5 * 25)):
            picture = av.VideoFrame.from_ndarray(
                np.full((120, 160, 3), index * 4, np.uint8), format="rgb24"
            )
            picture.pts, picture.time_base = index, Fraction(1, 25)
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        for begin, end in ((0.3, 1.0), (1.5, 2.5)):
            for offset in range(round(begin * 48_000), round(end * 48_000), 1024):
                count = min(1024, round(end * 48_000) - offset)
                tone = np.full((2, count), 0.1, np.float32)
                sound = av.AudioFrame.from_ndarray(tone, format="fltp", layout="stereo")
                sound.sample_rate, sound.pts = 48_000, offset
                sound.time_base = Fraction(1, 48_000)
                container.mux(audio.encode(sound))
        container.mux(audio.encode(None))
    return path


def test_a_late_start_and_gaps_in_the_audio_become_silence(tmp_path: Path) -> None:
    source = write_audio_with_gaps(tmp_path / "gaps.mkv")
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    audio = join_rendition(result, "audio/index.m3u8", tmp_path / "audio.mp4")
    assert audio.segment_starts[0] == pytest.approx(0.0, abs=0.03)
    decoded = decode_fully(audio.path)
    assert decoded.duration_seconds == pytest.approx(2.5, abs=0.05)
    assert result.output("120p").duration_seconds == pytest.approx(2.5, abs=0.04)


def test_video_without_audio_has_no_audio_anywhere(tmp_path: Path) -> None:
    source = make_media(
        tmp_path / "silent.mp4", MediaSpec(duration_seconds=1.0, width=320, height=240, audio=False)
    )
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    assert result.output("audio").status is OutputStatus.SKIPPED
    master = m3u8.load(str(result.out_dir / result.master_playlist))
    assert not master.media
    (variant,) = master.playlists
    assert variant.stream_info.audio is None
    assert variant.stream_info.codecs.startswith("avc1.")
    assert "mp4a" not in variant.stream_info.codecs
    download = decode_fully(result.out_dir / "download.mp4")
    assert download.audio_codec is None
    assert download.video_frames == 25
    assert not (result.out_dir / "audio").exists()


def test_audio_only_gives_an_audio_rendition_and_an_m4a(tmp_path: Path) -> None:
    source = make_media(tmp_path / "song.m4a", MediaSpec(duration_seconds=5.0, video=False))
    result = encode_ladder(source, tmp_path / "ladder", FAST)
    assert {output.name for output in result.ready} == {"audio", "download"}
    assert result.output("download").kind is OutputKind.M4A
    assert all(
        output.reason == "The source has no video."
        for output in result.outputs
        if output.kind is OutputKind.HLS_VIDEO
    )
    master = m3u8.load(str(result.out_dir / result.master_playlist))
    (variant,) = master.playlists
    assert variant.uri == "audio/index.m3u8"
    assert variant.stream_info.codecs == "mp4a.40.2"
    assert variant.stream_info.bandwidth >= peak_segment_bitrate(result, "audio/index.m3u8")
    m4a = decode_fully(result.out_dir / "download.m4a")
    assert (m4a.audio_codec, m4a.video_codec) == ("aac", None)
    assert abs(m4a.duration_seconds - 5.0) <= 0.05
    joined = join_rendition(result, "audio/index.m3u8", tmp_path / "audio.mp4")
    assert len(joined.segment_starts) == 2


def test_a_rerun_replaces_the_earlier_ladder_cleanly(tmp_path: Path) -> None:
    source = make_media(
        tmp_path / "clip.mp4", MediaSpec(duration_seconds=3.0, width=320, height=240)
    )
    out = tmp_path / "ladder"
    first = encode_ladder(source, out, FAST)
    (out / "stray.txt").write_text("left by someone")
    second = encode_ladder(source, out, LadderOptions(preset="ultrafast", segment_gops=1))
    written = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert sorted(second.files) == written
    assert len(first.output("240p").files) < len(second.output("240p").files)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clip.mp4", "ladder"]


def test_progress_runs_through_the_phases_to_100(tmp_path: Path) -> None:
    source = make_media(
        tmp_path / "clip.mp4", MediaSpec(duration_seconds=2.0, width=320, height=240)
    )
    reports: list[tuple[JobPhase, float | None, float | None]] = []
    encode_ladder(
        source,
        tmp_path / "ladder",
        FAST,
        on_progress=lambda phase, percent, eta: reports.append((phase, percent, eta)),
    )
    phases = [phase for phase, _, _ in reports]
    assert phases[0] is JobPhase.PROBING
    assert phases.index(JobPhase.TRANSCODING) < phases.index(JobPhase.PACKAGING)
    percents = [percent for _, percent, _ in reports]
    assert all(percent is not None for percent in percents)
    assert percents == sorted(percents)  # type: ignore[type-var]
    assert reports[-1] == (JobPhase.PACKAGING, 100.0, None)


def test_a_stop_mid_encode_stops_at_once_and_leaves_nothing(tmp_path: Path) -> None:
    source = make_media(
        tmp_path / "clip.mp4", MediaSpec(duration_seconds=4.0, width=320, height=240)
    )
    out = tmp_path / "ladder"
    stop = threading.Event()
    stopped_at: list[float] = []

    def on_progress(phase: JobPhase, percent: float | None, eta: float | None) -> None:
        del eta
        if phase is JobPhase.TRANSCODING and percent and percent > 10 and not stop.is_set():
            stop.set()
            stopped_at.append(time.monotonic())

    with pytest.raises(LadderCancelledError):
        encode_ladder(source, out, FAST, on_progress=on_progress, should_stop=stop.is_set)
    assert stopped_at
    assert time.monotonic() - stopped_at[0] < 1.0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clip.mp4"]


def test_a_file_that_is_not_media_fails_before_anything_is_written(tmp_path: Path) -> None:
    source = make_not_media(tmp_path / "notes.mp4")
    with pytest.raises(MediaError):
        encode_ladder(source, tmp_path / "ladder", FAST)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.mp4"]
