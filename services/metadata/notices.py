"""How an upload is non-standard, in words a person can act on (like Mux's non-standard input).

None of these stops processing: each says what Echo does about it, so the
uploader knows why a rendition differs from the file they sent.
"""

from dataclasses import dataclass, field

from services.common.media import DisplayGeometry

LONG_KEYFRAME_INTERVAL_SECONDS = 10
STANDARD_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p", "nv12", "yuv420p10le", "p010le"})
"""4:2:0 YUV, what web players decode (10-bit has a notice of its own)."""
WEB_VIDEO_CODECS = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "libdav1d"})
DURATION_MISMATCH_FACTOR = 2
"""A container declaring over twice (and a second more than) its streams' length."""


@dataclass
class Notices:
    """The notices found so far, as JSON-ready `InputNotice` data."""

    found: list[dict[str, object]] = field(default_factory=list)

    def add(self, code: str, message: str) -> None:
        self.found.append({"code": code, "message": message})

    def audio_only(self) -> None:
        self.add(
            "audio_only",
            "The file has no video stream: it is kept as audio, with no poster or storyboard.",
        )

    def video(
        self, facts: dict[str, object], geometry: DisplayGeometry, *, interlaced: bool
    ) -> None:
        """Notices about the primary video stream, from its description."""
        codec = str(facts["codec"])
        if codec not in WEB_VIDEO_CODECS:
            self.add(
                "unusual_codec",
                f"The video is encoded as {codec}, which browsers do not play; "
                "it is re-encoded for playback.",
            )
        if facts["variable_frame_rate"]:
            self.add(
                "variable_frame_rate",
                "The frame rate varies (typical of phone and screen recordings); "
                "each frame keeps its own timing.",
            )
        interval = facts["keyframe_interval_seconds"]
        if isinstance(interval, float) and interval > LONG_KEYFRAME_INTERVAL_SECONDS:
            self.add(
                "long_keyframe_interval",
                f"Keyframes are up to {interval:.0f} s apart (over "
                f"{LONG_KEYFRAME_INTERVAL_SECONDS} s): seeking in the original is slow.",
            )
        depth = facts["bit_depth"]
        if isinstance(depth, int) and depth > 8:
            self.add(
                "high_bit_depth",
                f"The video has {depth}-bit colour; web renditions are 8-bit.",
            )
        pixel_format = facts["pixel_format"]
        if pixel_format is not None and pixel_format not in STANDARD_PIXEL_FORMATS:
            self.add(
                "unusual_pixel_format",
                f"The pixel format is {pixel_format}; web renditions use 4:2:0 (yuv420p).",
            )
        if geometry.quarter_turns:
            self.add(
                "rotated",
                f"The picture is stored turned ({geometry.rotation} degrees); "
                "it is shown and transcoded upright.",
            )
        if geometry.sample_aspect_ratio != 1:
            self.add(
                "non_square_pixels",
                f"The pixels are not square ({facts['sample_aspect_ratio']}); "
                "renditions stretch them to square pixels.",
            )
        if interlaced:
            self.add("interlaced", "The video is interlaced; renditions are deinterlaced.")
        if facts["hdr"]:
            self.add(
                "hdr",
                f"The video is HDR ({str(facts['hdr']).upper()}); "
                "on SDR screens its colours may look flat.",
            )

    def streams(self, *, videos: int, audios: int) -> None:
        if videos > 1:
            self.add(
                "several_video_streams",
                f"The file has {videos} video streams; only the first is used.",
            )
        if audios > 1:
            self.add(
                "several_audio_streams",
                f"The file has {audios} audio streams; only the default (else the first) is used.",
            )

    def durations(self, declared: float | None, used: float | None) -> None:
        if declared is None or used is None:
            return
        if declared > used * DURATION_MISMATCH_FACTOR and declared > used + 1:
            self.add(
                "duration_mismatch",
                f"The container declares {declared:.0f} s but its streams hold {used:.1f} s "
                "(typical of broadcast captures); the streams' length is used.",
            )
