"""The transcoder's own settings (`ECHO_TRANSCODER_*`) on top of the shared worker tuning."""

from fractions import Fraction
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from contracts.enums import JobKind
from services.common.settings import WORKER_ENV_PREFIXES
from services.common.worker import WorkerSettings
from services.transcoder.ladder import DEFAULT_RUNGS, LadderOptions, RungSpec

X264Preset = Literal[
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
]


class TranscoderSettings(WorkerSettings):
    """How the transcoder encodes its ladder and serves its health and metrics endpoints."""

    model_config = SettingsConfigDict(
        env_prefix=WORKER_ENV_PREFIXES[JobKind.TRANSCODE], extra="ignore", frozen=True
    )

    port: int = Field(default=8001, ge=0, le=65535, description="Port of /healthz and /metrics.")
    rungs: tuple[RungSpec, ...] = Field(
        default=DEFAULT_RUNGS,
        min_length=1,
        description='The ladder\'s standard rungs as JSON, e.g. `[{"short_side": 720, '
        '"max_bitrate": 3000000, "buffer_size": 6000000}]`: the picture\'s shorter side, '
        "x264 `maxrate` (bit/s at up to 30 fps) and `bufsize` (bits). Default 1080p 6 Mbit/s, "
        "720p 3, 480p 1.5, 360p 0.8, 240p 0.4, buffers twice the cap. A source gets the rungs "
        "at or below its size, plus its own when it lies between two.",
    )
    preset: X264Preset = Field(
        default="veryfast", description="x264 preset of every rung: slower gives smaller files."
    )
    crf: int = Field(
        default=23,
        ge=0,
        le=51,
        description="x264 constant rate factor of every rung (lower is better quality), "
        "capped by each rung's max bitrate.",
    )
    gop_seconds: float = Field(
        default=2.0,
        gt=0,
        le=10,
        description="Closed GOP length in seconds, the same in every rung so segments align.",
    )
    segment_seconds: float = Field(
        default=4.0,
        gt=0,
        le=20,
        description="HLS segment length in seconds: a whole number of GOPs.",
    )
    max_frame_rate: int = Field(
        default=60,
        ge=1,
        le=240,
        description="Output frame rate: the source's, made constant, capped at this.",
    )
    audio_bitrate: int = Field(
        default=128_000,
        ge=32_000,
        le=512_000,
        description="AAC-LC stereo bits per second, shared by the HLS audio and the download.",
    )
    download_short_side: int = Field(
        default=720,
        ge=2,
        description="The MP4 download carries the rung of this shorter side, or the largest "
        "rung below it (the smallest rung if none is).",
    )
    encoder_threads: int = Field(
        default=0,
        ge=0,
        le=64,
        description="x264 frame threads per rung; 0 lets x264 size them to the cores.",
    )
    filter_threads: int = Field(
        default=0,
        ge=0,
        le=64,
        description="libavfilter threads for the per-rung scalers; 0 means one per core.",
    )

    @model_validator(mode="after")
    def _whole_gops(self) -> Self:
        gops = self.segment_seconds / self.gop_seconds
        if gops < 1 or abs(gops - round(gops)) > 1e-9:
            raise ValueError("segment_seconds must be a whole multiple of gop_seconds")
        return self

    def ladder_options(self) -> LadderOptions:
        """The ladder's encoding options from these settings."""
        return LadderOptions(
            rungs=self.rungs,
            preset=self.preset,
            crf=self.crf,
            gop_seconds=Fraction(str(self.gop_seconds)),
            segment_gops=round(self.segment_seconds / self.gop_seconds),
            max_frame_rate=Fraction(self.max_frame_rate),
            audio_bitrate=self.audio_bitrate,
            download_short_side=self.download_short_side,
            threads=self.encoder_threads,
            filter_threads=self.filter_threads,
        )
