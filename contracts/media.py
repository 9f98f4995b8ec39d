"""Media descriptions shared by the metadata and transcode results.

The probe is stored as JSON and read back by the gateway, so every field added
after the first release has a default: an older stored probe still validates.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from contracts.base import ContractModel
from contracts.enums import RenditionKind


class FieldOrder(StrEnum):
    """How a video's pictures are scanned, in FFmpeg's words."""

    PROGRESSIVE = "progressive"
    TOP_FIRST = "tt"
    """Interlaced, top field coded and shown first."""
    BOTTOM_FIRST = "bb"
    """Interlaced, bottom field coded and shown first."""
    TOP_CODED_BOTTOM_SHOWN = "tb"
    """Interlaced, top field coded first, bottom shown first."""
    BOTTOM_CODED_TOP_SHOWN = "bt"
    """Interlaced, bottom field coded first, top shown first."""


class HdrFormat(StrEnum):
    """The high-dynamic-range transfer a video is graded for."""

    PQ = "pq"
    """SMPTE ST 2084 (HDR10, HDR10+, Dolby Vision profile 5/8.1)."""
    HLG = "hlg"
    """ARIB STD-B67 hybrid log-gamma (broadcast, phones; Dolby Vision profile 8.4)."""


class InputNoticeCode(StrEnum):
    """Why an upload is not what a web player expects (Mux calls these non-standard input)."""

    AUDIO_ONLY = "audio_only"
    """No video stream: the upload gets no poster and no storyboard."""
    VARIABLE_FRAME_RATE = "variable_frame_rate"
    LONG_KEYFRAME_INTERVAL = "long_keyframe_interval"
    HIGH_BIT_DEPTH = "high_bit_depth"
    UNUSUAL_PIXEL_FORMAT = "unusual_pixel_format"
    ROTATED = "rotated"
    NON_SQUARE_PIXELS = "non_square_pixels"
    INTERLACED = "interlaced"
    HDR = "hdr"
    UNUSUAL_CODEC = "unusual_codec"
    """A codec browsers do not play: it is re-encoded, never served as uploaded."""
    SEVERAL_VIDEO_STREAMS = "several_video_streams"
    """Only the first real video stream is used."""
    SEVERAL_AUDIO_STREAMS = "several_audio_streams"
    """Only the default (else first) audio stream is used."""
    DURATION_MISMATCH = "duration_mismatch"
    """The container declares far more time than its streams hold (broadcast captures)."""


class InputNotice(ContractModel):
    """One way an upload is non-standard, for programs (`code`) and people (`message`)."""

    code: InputNoticeCode = Field(description="Machine-readable reason.")
    message: str = Field(description="What it means for the upload, in plain words.")


class ContainerTags(ContractModel):
    """Descriptive tags the file carries, when present."""

    title: str | None = Field(default=None, description="Title tag.")
    creation_time: datetime | None = Field(
        default=None, description="When the recording was made, as the device wrote it."
    )
    location: str | None = Field(
        default=None, description="Where, as an ISO 6709 string, e.g. `+48.8577+002.295/`."
    )
    encoder: str | None = Field(default=None, description="Software or device that wrote it.")


class BlobRef(ContractModel):
    """A reference to a file in Echo's blob storage; events carry these, never bytes."""

    key: str = Field(description="Storage key, relative to the blob root.", min_length=1)
    size_bytes: int = Field(ge=0, description="Exact size of the stored file.")
    sha256: str | None = Field(
        default=None, description="Hex SHA-256 of the stored bytes, when computed."
    )
    content_type: str | None = Field(default=None, description="MIME type of the file.")


class VideoStreamInfo(ContractModel):
    """A video stream as probed."""

    index: int = Field(ge=0, description="Stream index in the container.")
    codec: str = Field(description="Decoder name, e.g. `h264`, `vp9`, `hevc`.")
    profile: str | None = Field(default=None, description="Codec profile, e.g. `High`.")
    width: int = Field(ge=0, description="Coded width in pixels, before rotation.")
    height: int = Field(ge=0, description="Coded height in pixels, before rotation.")
    display_width: int = Field(ge=0, description="Width as shown, after rotation.")
    display_height: int = Field(ge=0, description="Height as shown, after rotation.")
    rotation: int = Field(default=0, description="Degrees the picture is rotated for display.")
    frame_rate: float | None = Field(
        default=None, description="Frames per second (guessed when the container's is unusable)."
    )
    pixel_format: str | None = Field(default=None, description="Pixel format, e.g. `yuv420p`.")
    bit_rate: int | None = Field(default=None, ge=0, description="Bits per second, if known.")
    duration_seconds: float | None = Field(default=None, ge=0, description="Stream duration.")
    level: int | None = Field(
        default=None, description="Codec level as FFmpeg numbers it (H.264 4.1 is `41`)."
    )
    bit_depth: int | None = Field(default=None, ge=1, description="Bits per colour sample.")
    sample_aspect_ratio: str | None = Field(
        default=None, description="Pixel shape, width:height (`1:1` for square pixels)."
    )
    display_aspect_ratio: str | None = Field(
        default=None, description="Shape of the stored picture with its pixel shape, e.g. `16:9`."
    )
    average_frame_rate: float | None = Field(
        default=None, ge=0, description="Frames over duration, as the container's index says."
    )
    nominal_frame_rate: float | None = Field(
        default=None, ge=0, description="The stream's base rate (FFmpeg's `r_frame_rate`)."
    )
    variable_frame_rate: bool = Field(
        default=False, description="Whether the intervals between frames vary."
    )
    field_order: FieldOrder | None = Field(
        default=None, description="Progressive or interlaced (which field first), if known."
    )
    color_range: str | None = Field(
        default=None, description="`tv` (limited) or `pc` (full), if declared."
    )
    color_primaries: str | None = Field(default=None, description="E.g. `bt709`, `bt2020`.")
    color_transfer: str | None = Field(
        default=None, description="E.g. `bt709`, `smpte2084` (PQ), `arib-std-b67` (HLG)."
    )
    color_matrix: str | None = Field(
        default=None, description="YUV matrix (FFmpeg's colour space), e.g. `bt709`, `bt2020nc`."
    )
    hdr: HdrFormat | None = Field(default=None, description="Set when the video is HDR.")
    keyframe_interval_seconds: float | None = Field(
        default=None,
        ge=0,
        description="Longest time between two keyframes in the part measured (the whole "
        "file when it has an index of every frame).",
    )
    start_time_seconds: float | None = Field(
        default=None, description="Timestamp of the stream's first frame."
    )
    language: str | None = Field(default=None, description="ISO 639 language tag, if set.")
    default: bool = Field(default=False, description="Whether the file marks it default.")


class AudioStreamInfo(ContractModel):
    """An audio stream as probed."""

    index: int = Field(ge=0, description="Stream index in the container.")
    codec: str = Field(description="Decoder name, e.g. `aac`, `opus`.")
    channels: int = Field(ge=0, description="Number of channels.")
    channel_layout: str | None = Field(default=None, description="Layout name, e.g. `stereo`.")
    sample_rate: int = Field(ge=0, description="Samples per second.")
    bit_rate: int | None = Field(default=None, ge=0, description="Bits per second, if known.")
    duration_seconds: float | None = Field(default=None, ge=0, description="Stream duration.")
    language: str | None = Field(default=None, description="ISO 639 language tag, if set.")
    profile: str | None = Field(default=None, description="Codec profile, e.g. `LC`.")
    default: bool = Field(default=False, description="Whether the file marks it default.")


class SubtitleStreamInfo(ContractModel):
    """A subtitle stream as probed (kept in the file; Echo does not convert it yet)."""

    index: int = Field(ge=0, description="Stream index in the container.")
    codec: str = Field(description="Codec, e.g. `subrip`, `mov_text`, `hdmv_pgs_subtitle`.")
    language: str | None = Field(default=None, description="ISO 639 language tag, if set.")
    title: str | None = Field(default=None, description="Track title, if set.")
    default: bool = Field(default=False, description="Whether the file marks it default.")
    forced: bool = Field(default=False, description="Whether it is shown even when off.")


class MediaProbe(ContractModel):
    """What the metadata service learned about an uploaded file."""

    container_format: str = Field(description="Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.")
    duration_seconds: float | None = Field(
        default=None,
        ge=0,
        description="Length of the streams used (the primary video and audio), else the "
        "container's: a broadcast capture's container can span unrelated clocks.",
    )
    size_bytes: int = Field(ge=0, description="File size.")
    bit_rate: int | None = Field(default=None, ge=0, description="Overall bits per second.")
    video: VideoStreamInfo | None = Field(
        default=None, description="Primary video stream: the one shown, postered and transcoded."
    )
    audio: AudioStreamInfo | None = Field(
        default=None, description="Primary audio stream: the default one, else the first."
    )
    stream_count: int = Field(ge=0, description="Streams of every type in the container.")
    container_duration_seconds: float | None = Field(
        default=None, ge=0, description="Duration the container declares, if any."
    )
    start_time_seconds: float | None = Field(
        default=None, description="Timestamp where the container's first stream starts."
    )
    tags: ContainerTags = Field(
        default_factory=ContainerTags, description="Title, creation time, location, encoder."
    )
    video_streams: list[VideoStreamInfo] = Field(
        default_factory=list,
        description="Every real video stream (cover art excluded), the primary one included.",
    )
    audio_streams: list[AudioStreamInfo] = Field(
        default_factory=list, description="Every audio stream, the primary one included."
    )
    subtitle_streams: list[SubtitleStreamInfo] = Field(
        default_factory=list, description="Every subtitle stream."
    )
    notices: list[InputNotice] = Field(
        default_factory=list,
        description="How the upload is non-standard (variable frame rate, rotation, audio "
        "only, ...); empty for a plain web video.",
    )


class Rendition(ContractModel):
    """One finished transcode output."""

    name: str = Field(description="Stable name, e.g. `mp4-720p` or `m4a-audio`.")
    kind: RenditionKind = Field(description="Video (with audio when the source has it) or audio.")
    file: BlobRef = Field(description="Where the output is stored.")
    container: str = Field(description="Output container, e.g. `mp4`.")
    video_codec: str | None = Field(default=None, description="Output video codec.")
    audio_codec: str | None = Field(default=None, description="Output audio codec.")
    width: int | None = Field(default=None, ge=0, description="Output width.")
    height: int | None = Field(default=None, ge=0, description="Output height.")
    duration_seconds: float = Field(ge=0, description="Output duration.")


class PosterImage(ContractModel):
    """One size of a video's poster: a JPEG of an upright frame at the display shape."""

    file: BlobRef = Field(description="The JPEG.")
    width: int = Field(ge=1, description="Width in pixels.")
    height: int = Field(ge=1, description="Height in pixels.")


class Storyboard(ContractModel):
    """Scrubbing previews: one sprite sheet of thumbnails and a WebVTT file pointing into it.

    Each cue of the VTT names the sprite with a `#xywh=x,y,w,h` fragment, the form
    video.js, Mux and PeerTube players read.
    """

    sprite: BlobRef = Field(description="The sprite sheet JPEG, thumbnails row by row.")
    vtt: BlobRef = Field(description="The WebVTT file; its cues point into the sprite.")
    tile_width: int = Field(ge=1, description="Width of one thumbnail in pixels.")
    tile_height: int = Field(ge=1, description="Height of one thumbnail in pixels.")
    columns: int = Field(ge=1, description="Thumbnails per row of the sprite.")
    count: int = Field(ge=1, description="Number of thumbnails (and of cues).")
    interval_seconds: float = Field(gt=0, description="Time each thumbnail stands for.")
