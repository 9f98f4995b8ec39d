"""The metadata worker's own settings (`ECHO_METADATA_*`), built at startup."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from contracts.enums import JobKind
from services.common.settings import WORKER_ENV_PREFIXES
from services.common.worker import WorkerSettings


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
        default=1280, ge=16, le=7680, description="Widest poster in pixels (height follows)."
    )
    poster_position: float = Field(
        default=0.1,
        ge=0,
        lt=1,
        description="Where the poster is taken, as a share of the video's duration.",
    )
    poster_jpeg_qscale: int = Field(
        default=4, ge=2, le=31, description="JPEG quantizer of the poster: 2 is best, 31 worst."
    )
