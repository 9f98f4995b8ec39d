"""The ladder's pure parts: which rungs, codec strings, the master playlist text."""

from fractions import Fraction
from pathlib import Path

import m3u8
import pytest

from services.transcoder.ladder import DEFAULT_RUNGS, LadderOptions, plan_rungs
from services.transcoder.ladder.encode import hls_options, keyframe_interval, segment_seconds
from services.transcoder.ladder.hls import AudioRendition, Variant, avc_codecs, master_playlist
from services.transcoder.ladder.rungs import download_rung
from services.transcoder.ladder.source import SourcePlan


def sizes(width: int, height: int) -> list[tuple[int, int]]:
    return [(rung.width, rung.height) for rung in plan_rungs(width, height)]


def test_a_1080p_source_gets_the_whole_ladder() -> None:
    assert sizes(1920, 1080) == [(1920, 1080), (1280, 720), (854, 480), (640, 360), (426, 240)]
    assert [rung.name for rung in plan_rungs(1920, 1080)] == [
        "1080p",
        "720p",
        "480p",
        "360p",
        "240p",
    ]


def test_portrait_gets_the_same_ladder_by_its_shorter_side() -> None:
    assert sizes(1080, 1920) == [(1080, 1920), (720, 1280), (480, 854), (360, 640), (240, 426)]


def test_no_rung_is_larger_than_the_source() -> None:
    assert sizes(640, 360) == [(640, 360), (426, 240)]


def test_a_source_above_the_top_rung_is_capped_at_it() -> None:
    assert sizes(3840, 2160)[0] == (1920, 1080)
    assert sizes(3026, 1386)[0] == (2358, 1080)


def test_a_source_between_rungs_gets_its_own_top_rung() -> None:
    rungs = plan_rungs(1066, 600)
    assert [(rung.width, rung.height) for rung in rungs] == [
        (1066, 600),
        (852, 480),
        (640, 360),
        (426, 240),
    ]
    own, above = rungs[0], DEFAULT_RUNGS[1]
    assert own.max_bitrate < above.max_bitrate


def test_a_standard_rung_just_below_the_source_is_not_repeated() -> None:
    assert [rung.name for rung in plan_rungs(864, 486)] == ["486p", "360p", "240p"]


def test_odd_and_tiny_sources_get_even_sides() -> None:
    # The shared rule (`even_size`): each side to its nearest even number, an odd one down.
    assert sizes(314, 273) == [(314, 272)]
    assert sizes(160, 120) == [(160, 120)]
    for width, height in sizes(3025, 1387) + sizes(1001, 563):
        assert width % 2 == 0
        assert height % 2 == 0


def test_non_square_display_sizes_keep_the_aspect_ratio() -> None:
    # 720x576 PAL with 16:15 pixels shows as 768x576.
    assert sizes(768, 576)[0] == (768, 576)
    assert plan_rungs(Fraction(1024), Fraction(576))[0].width == 1024


def test_high_frame_rates_raise_the_caps() -> None:
    normal = plan_rungs(1280, 720)[0]
    fast = plan_rungs(1280, 720, high_rate_factor=Fraction(3, 2))[0]
    assert fast.max_bitrate == normal.max_bitrate * 3 // 2


def test_the_download_is_720p_or_the_top_rung_below() -> None:
    assert download_rung(plan_rungs(1920, 1080)).name == "720p"
    assert download_rung(plan_rungs(1066, 600)).name == "600p"
    assert download_rung(plan_rungs(640, 360)).name == "360p"


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(Fraction(30), 60), (Fraction(30000, 1001), 60), (Fraction(25), 50), (Fraction(60), 120)],
)
def test_the_gop_lasts_two_seconds_of_output_frames(rate: Fraction, expected: int) -> None:
    assert keyframe_interval(rate, LadderOptions().gop_seconds) == expected


@pytest.mark.parametrize(
    ("rate", "hls_time"),
    [
        (Fraction(30), "3.999900"),
        (Fraction(30000, 1001), "4.003900"),
        (Fraction(25), "3.999900"),
        (None, "3.999900"),
    ],
)
def test_segments_are_cut_just_before_whole_gops(rate: Fraction | None, hls_time: str) -> None:
    segment = segment_seconds(LadderOptions(), rate)
    assert hls_options(Path("/tmp/rung"), segment)["hls_time"] == hls_time


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Fraction(2987, 100), Fraction(30000, 1001)),
        (Fraction(120), Fraction(60)),
        (Fraction(722, 100), Fraction(722, 100)),
        (None, Fraction(30)),
    ],
)
def test_the_output_rate_is_the_sources_snapped_and_capped(
    source: Fraction | None, expected: Fraction
) -> None:
    plan = SourcePlan(
        video_index=0,
        audio_index=None,
        start=Fraction(0),
        duration=1.0,
        duration_in_header=True,
        source_frame_rate=source,
        upright=(),
        sample_aspect_ratio=Fraction(1),
    )
    assert plan.output_frame_rate(Fraction(60)) == expected


def test_codec_strings_come_from_the_sequence_parameter_set() -> None:
    annex_b = bytes.fromhex("0000000167640028acd940780227e5c0") + bytes.fromhex("0000000168ebe3cb")
    assert avc_codecs(annex_b) == "avc1.640028"
    avcc = bytes.fromhex("014d401fffe1001967")
    assert avc_codecs(avcc) == "avc1.4D401F"
    with pytest.raises(ValueError, match="sequence parameter set"):
        avc_codecs(b"\x00\x00\x00\x01\x68\xeb")


def test_the_master_playlist_parses_and_lists_the_highest_variant_first() -> None:
    text = master_playlist(
        [
            Variant("240p/index.m3u8", 500_000, 400_000, "avc1.64000D,mp4a.40.2", (426, 240)),
            Variant(
                "720p/index.m3u8",
                3_000_000,
                2_000_000,
                "avc1.64001F,mp4a.40.2",
                (1280, 720),
                Fraction(30000, 1001),
                "audio",
            ),
        ],
        AudioRendition("audio/index.m3u8"),
    )
    parsed = m3u8.loads(text)
    assert parsed.is_variant
    first = parsed.playlists[0]
    assert first.uri == "720p/index.m3u8"
    assert first.stream_info.bandwidth == 3_000_000
    assert first.stream_info.average_bandwidth == 2_000_000
    assert first.stream_info.resolution == (1280, 720)
    assert first.stream_info.frame_rate == pytest.approx(29.97)
    assert first.stream_info.codecs == "avc1.64001F,mp4a.40.2"
    assert first.stream_info.audio == "audio"
    (audio,) = parsed.media
    assert (audio.type, audio.group_id, audio.uri, audio.default) == (
        "AUDIO",
        "audio",
        "audio/index.m3u8",
        "YES",
    )
