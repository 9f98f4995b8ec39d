"""Media descriptions shared by the metadata and transcode results."""

from pydantic import Field

from contracts.base import ContractModel
from contracts.enums import RenditionKind


class BlobRef(ContractModel):
    """A reference to a file in Echo's blob storage; events carry these, never bytes."""

    key: str = Field(description="Storage key, relative to the blob root.", min_length=1)
    size_bytes: int = Field(ge=0, description="Exact size of the stored file.")
    sha256: str | None = Field(
        default=None, description="Hex SHA-256 of the stored bytes, when computed."
    )
    content_type: str | None = Field(default=None, description="MIME type of the file.")


class VideoStreamInfo(ContractModel):
    """The primary video stream as probed."""

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


class AudioStreamInfo(ContractModel):
    """The primary audio stream as probed."""

    index: int = Field(ge=0, description="Stream index in the container.")
    codec: str = Field(description="Decoder name, e.g. `aac`, `opus`.")
    channels: int = Field(ge=0, description="Number of channels.")
    channel_layout: str | None = Field(default=None, description="Layout name, e.g. `stereo`.")
    sample_rate: int = Field(ge=0, description="Samples per second.")
    bit_rate: int | None = Field(default=None, ge=0, description="Bits per second, if known.")
    duration_seconds: float | None = Field(default=None, ge=0, description="Stream duration.")
    language: str | None = Field(default=None, description="ISO 639 language tag, if set.")


class MediaProbe(ContractModel):
    """What the metadata service learned about an uploaded file."""

    container_format: str = Field(description="Demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.")
    duration_seconds: float | None = Field(default=None, ge=0, description="Container duration.")
    size_bytes: int = Field(ge=0, description="File size.")
    bit_rate: int | None = Field(default=None, ge=0, description="Overall bits per second.")
    video: VideoStreamInfo | None = Field(default=None, description="Primary video stream.")
    audio: AudioStreamInfo | None = Field(default=None, description="Primary audio stream.")
    stream_count: int = Field(ge=0, description="Streams of every type in the container.")


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
