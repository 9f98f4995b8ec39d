"""The metadata worker's own settings (`ECHO_METADATA_*`), built at startup."""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from contracts.enums import JobKind
from services.common.settings import WORKER_ENV_PREFIXES
from services.common.worker import WorkerSettings
from services.metadata.poster import PosterOptions
from services.metadata.storyboard import StoryboardOptions


class MetadataSettings(WorkerSettings):
    """Tuning of the metadata worker; shared infrastructure comes from `BusSettings` and
    `BlobSettings` (`ECHO_NATS_URL`, `ECHO_BLOB_ROOT`, ...)."""

    model_config = SettingsConfigDict(
        env_prefix=WORKER_ENV_PREFIXES[JobKind.METADATA], extra="ignore", frozen=True
    )

    port: int = Field(
        default=8002, ge=0, le=65535, description="Port of /healthz, /readyz and /metrics."
    )
    poster_max_width: int = Field(
        default=1280,
        ge=16,
        le=7680,
        description="Widest the large poster may be, in pixels (height follows the display "
        "shape; a smaller source is not enlarged).",
    )
    poster_small_width: int = Field(
        default=320,
        ge=16,
        le=7680,
        description="Widest the small poster (lists, grids) may be, in pixels.",
    )
    poster_position: float = Field(
        default=0.1,
        ge=0,
        lt=1,
        description="Start of the window the poster is preferably taken from, as a share of "
        "the video's duration.",
    )
    poster_window: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Width of that window, as a share of the duration: the sharpest usable "
        "keyframe in it is the poster.",
    )
    poster_jpeg_qscale: int = Field(
        default=4, ge=2, le=31, description="JPEG quantizer of the posters: 2 is best, 31 worst."
    )
    storyboard_max_thumbnails: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="Most thumbnails in the storyboard (a long video gets this many).",
    )
    storyboard_min_interval_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Shortest time one thumbnail stands for (a short video gets fewer).",
    )
    storyboard_tile_size: int = Field(
        default=160,
        ge=16,
        le=1920,
        description="Longest side of one thumbnail in pixels; the other follows the display shape.",
    )
    storyboard_columns: int = Field(
        default=10, ge=1, le=100, description="Thumbnails per row of the sprite sheet."
    )
    storyboard_jpeg_qscale: int = Field(
        default=5,
        ge=2,
        le=31,
        description="JPEG quantizer of the storyboard sprite: 2 is best, 31 worst.",
    )

    @model_validator(mode="after")
    def _small_poster_is_not_wider(self) -> Self:
        if self.poster_small_width > self.poster_max_width:
            raise ValueError("poster_small_width must not exceed poster_max_width")
        return self

    def poster_options(self) -> PosterOptions:
        """How the job looks for and writes the poster."""
        return PosterOptions(
            position=self.poster_position,
            window=self.poster_window,
            max_width=self.poster_max_width,
            small_width=self.poster_small_width,
            qscale=self.poster_jpeg_qscale,
        )

    def storyboard_options(self) -> StoryboardOptions:
        """How the job lays out the storyboard."""
        return StoryboardOptions(
            max_thumbnails=self.storyboard_max_thumbnails,
            min_interval_seconds=self.storyboard_min_interval_seconds,
            tile_size=self.storyboard_tile_size,
            columns=self.storyboard_columns,
            qscale=self.storyboard_jpeg_qscale,
        )
