"""The gateway's configuration: its own `ECHO_GATEWAY_*` tuning plus shared `ECHO_*` settings.

Everything is read from the environment when `GatewayConfig.load()` is called at
startup, never at import time.
"""

from dataclasses import dataclass
from typing import Annotated, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from services.common.bus import ConsumerTuning
from services.common.settings import (
    AuthSettings,
    BlobSettings,
    BusSettings,
    DatabaseSettings,
    Environment,
    ServiceSettings,
)

GIB = 1024**3
MIB = 1024**2
_MIN_SIGNING_KEY = 32


class GatewaySettings(ServiceSettings):
    """Tuning of the gateway itself (`ECHO_GATEWAY_*`)."""

    model_config = SettingsConfigDict(env_prefix="ECHO_GATEWAY_", extra="ignore", frozen=True)

    port: int = Field(default=8000, ge=0, le=65535, description="Bind port of the REST API.")
    max_upload_bytes: int = Field(
        default=10 * GIB, ge=1, description="Largest accepted upload; larger ones get 413."
    )
    public_base_url: str | None = Field(
        default=None,
        description="Base of the download URLs put in responses (e.g. https://echo.example.com);"
        " unset, they are root-relative paths.",
    )
    outbox_poll_interval_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often the outbox relay looks for unpublished events it was not woken "
        "for (e.g. left by a crash between commit and publish).",
    )
    outbox_batch_size: int = Field(
        default=100, ge=1, le=10_000, description="Outbox rows published per transaction."
    )
    reconciler_interval_seconds: float = Field(
        default=30.0, gt=0, description="Time between two reconciler passes."
    )
    reconciler_pending_deadline_seconds: float = Field(
        default=1800.0,
        gt=0,
        description="A `pending` job no worker started within this long is re-dispatched, "
        "unless its kind's command consumer still has undelivered commands (queued "
        "behind busy workers).",
    )
    reconciler_processing_deadline_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A `processing` job with no event or progress flush for this long is "
        "re-dispatched (workers report progress every second or so).",
    )
    reconciler_max_dispatches: int = Field(
        default=3,
        ge=1,
        description="Dispatches of a job (the upload counts as the first) before it is "
        "failed as `stalled`.",
    )
    progress_flush_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the latest progress of every running job is written to "
        "Postgres (one statement for all of them); also the reconciler's sign of life.",
    )
    projector_retry_delay_seconds: float = Field(
        default=2.0, ge=0, description="Delay before a job event that failed to project returns."
    )
    shutdown_grace_seconds: float = Field(
        default=10.0, gt=0, description="How long in-flight event handlers may finish at shutdown."
    )
    environment: Environment = Field(
        default=Environment.PRODUCTION,
        validation_alias="ECHO_ENVIRONMENT",
        description="Shared `ECHO_ENVIRONMENT`: `development` allows an unset signing key.",
    )
    user_quota_bytes: int | None = Field(
        default=None,
        ge=1,
        description="Bytes one user may store (videos plus uploads in progress); unset, no quota.",
    )
    max_duration_seconds: float = Field(
        default=4 * 3600, gt=0, description="Longest accepted media, checked while uploading."
    )
    early_validation_bytes: int = Field(
        default=4 * MIB,
        ge=64 * 1024,
        description="A resumable upload is probed once this many bytes arrived (or at its end "
        "when smaller); a file that is not audio or video is refused then.",
    )
    upload_expiry_seconds: float = Field(
        default=24 * 3600,
        gt=0,
        description="A resumable upload not finished within this expires; its bytes are removed.",
    )
    upload_sweep_interval_seconds: float = Field(
        default=300.0, gt=0, description="How often expired resumable uploads are swept."
    )
    signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC key of playback URLs (32+ characters); required outside development "
        "(where a random one is made per process).",
    )
    signing_key_previous: SecretStr | None = Field(
        default=None,
        description="The key before the last rotation: URLs it signed work until they expire.",
    )
    playback_url_ttl_seconds: int = Field(
        default=3600, ge=10, le=7 * 24 * 3600, description="Lifetime of a signed playback URL."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Frontend origins allowed by CORS, comma-separated "
        "(e.g. `http://localhost:5173,https://app.example.com`); empty, no CORS headers.",
    )

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("cors_origins"), str):
            raw = data["cors_origins"]
            data = {**data, "cors_origins": [o.strip() for o in raw.split(",") if o.strip()]}
        return data

    @model_validator(mode="after")
    def _require_signing_key(self) -> Self:
        for key in (self.signing_key, self.signing_key_previous):
            if key is not None and len(key.get_secret_value()) < _MIN_SIGNING_KEY:
                raise ValueError(f"playback signing keys must have {_MIN_SIGNING_KEY}+ characters")
        if self.signing_key is None and self.environment is not Environment.DEVELOPMENT:
            raise ValueError(
                "set ECHO_GATEWAY_SIGNING_KEY (32+ characters) to sign playback URLs "
                "(or ECHO_ENVIRONMENT=development)"
            )
        return self


class ProjectorTuning(ConsumerTuning):
    """The projector's consumer tuning (`ECHO_GATEWAY_PROJECTOR_*`); the migrate step applies it."""

    model_config = SettingsConfigDict(
        env_prefix="ECHO_GATEWAY_PROJECTOR_", extra="ignore", frozen=True
    )

    ack_wait_seconds: float = Field(
        default=30.0, gt=0, description="JetStream redelivers a job event not acked within this."
    )
    max_deliver: int = Field(
        default=20, ge=1, description="Deliveries of one job event at most (e.g. Postgres down)."
    )


@dataclass(frozen=True)
class GatewayConfig:
    """Every settings object the gateway uses, built together at startup."""

    gateway: GatewaySettings
    database: DatabaseSettings
    bus: BusSettings
    blobs: BlobSettings
    auth: AuthSettings

    @classmethod
    def load(cls) -> Self:
        """Read the environment; raises `pydantic.ValidationError` naming what is missing."""
        return cls(
            gateway=GatewaySettings(),
            database=DatabaseSettings(),  # ECHO_DATABASE_URL is required
            bus=BusSettings(),
            blobs=BlobSettings(),
            auth=AuthSettings(),
        )
