"""The transcoder's own settings (`ECHO_TRANSCODER_*`) on top of the shared worker tuning."""

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from contracts.enums import JobKind
from services.common.settings import WORKER_ENV_PREFIXES
from services.common.worker import WorkerSettings
from services.transcoder.encoding import EncodeOptions

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
    """How the transcoder encodes and serves its health and metrics endpoints."""

    model_config = SettingsConfigDict(
        env_prefix=WORKER_ENV_PREFIXES[JobKind.TRANSCODE], extra="ignore", frozen=True
    )

    port: int = Field(default=8001, ge=0, le=65535, description="Port of /healthz and /metrics.")
    max_height: int = Field(
        default=720,
        ge=16,
        le=4320,
        description="Shorter side of the output picture at most (720 gives 1280x720, or "
        "720x1280 for portrait); smaller sources keep their size.",
    )
    preset: X264Preset = Field(
        default="veryfast", description="x264 preset: slower presets give smaller files."
    )
    crf: int = Field(
        default=23, ge=0, le=51, description="x264 constant rate factor: lower is better quality."
    )
    audio_bitrate: int = Field(
        default=128_000, ge=32_000, le=512_000, description="AAC bits per second."
    )
    encoder_threads: int = Field(
        default=0, ge=0, le=64, description="x264 threads; 0 lets x264 use every core."
    )

    def encode_options(self) -> EncodeOptions:
        return EncodeOptions(
            max_height=self.max_height,
            preset=self.preset,
            crf=self.crf,
            audio_bitrate=self.audio_bitrate,
            threads=self.encoder_threads,
        )
