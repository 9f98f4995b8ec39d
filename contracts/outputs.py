"""What a transcode wrote, output by output: the HLS ladder's renditions and the download.

Each output has its own status, so a result says plainly which rungs a source got,
which it did not and why (a 480p source has no 720p rung), and where each one is.
"""

from enum import StrEnum

from pydantic import Field

from contracts.base import ContractModel
from contracts.media import BlobRef


class OutputStatus(StrEnum):
    """Whether an output was written."""

    READY = "ready"
    SKIPPED = "skipped"
    """Not wanted for this source (no upscaling, no audio track); `reason` says why."""
    FAILED = "failed"


class OutputKind(StrEnum):
    """What an output holds."""

    HLS_VIDEO = "hls_video"
    """A video rendition of the ladder: media playlist, init segment, fMP4 segments."""
    HLS_AUDIO = "hls_audio"
    """The ladder's audio rendition (AAC stereo, fMP4 segments), shared by every rung."""
    MP4 = "mp4"
    """The download of a video: one rung and the audio, fast-start MP4."""
    M4A = "m4a"
    """The download of an audio-only source: AAC in M4A."""


class TranscodeOutput(ContractModel):
    """One output of a transcode, ready or not."""

    name: str = Field(
        description="Stable name: `1080p` .. `240p` (or the source's own `NNNp`), `audio`, "
        "`download`."
    )
    kind: OutputKind = Field(description="What the output holds.")
    status: OutputStatus = Field(description="Whether it was written.")
    reason: str | None = Field(
        default=None, description="Why it was skipped or failed, for a person."
    )
    file: BlobRef | None = Field(
        default=None,
        description="The media playlist of an HLS rendition, or the MP4/M4A file; absent "
        "unless ready.",
    )
    size_bytes: int = Field(default=0, ge=0, description="Bytes of every file of the output.")
    average_bitrate: int | None = Field(
        default=None, ge=0, description="Bits per second over the whole output."
    )
    peak_bitrate: int | None = Field(
        default=None, ge=0, description="Highest segment bit rate (HLS `BANDWIDTH`)."
    )
    width: int | None = Field(default=None, ge=0, description="Picture width; none for audio.")
    height: int | None = Field(default=None, ge=0, description="Picture height; none for audio.")
    frame_rate: float | None = Field(
        default=None, gt=0, description="Constant frames per second; none for audio."
    )
    duration_seconds: float | None = Field(default=None, ge=0, description="Output duration.")
    codecs: str | None = Field(
        default=None, description="RFC 6381 codecs, e.g. `avc1.64001F,mp4a.40.2`."
    )
    segment_count: int = Field(
        default=0, ge=0, description="HLS segments (0 for the MP4/M4A download)."
    )
