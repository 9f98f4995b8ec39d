"""The gateway's configuration: its own `ECHO_GATEWAY_*` tuning plus shared `ECHO_*` settings.

Everything is read from the environment when `GatewayConfig.load()` is called at
startup, never at import time.
"""

from dataclasses import dataclass
from typing import Self

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.bus import ConsumerTuning
from services.common.settings import (
    AuthSettings,
    BlobSettings,
    BusSettings,
    DatabaseSettings,
    ServiceSettings,
)

GIB = 1024**3


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
        description="A `pending` job no worker started within this long is re-dispatched. "
        "Generous: a job may wait in the queue behind others.",
    )
    reconciler_processing_deadline_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A `processing` job with no event for this long is re-dispatched "
        "(workers report progress every second or so).",
    )
    reconciler_max_dispatches: int = Field(
        default=3,
        ge=1,
        description="Dispatches of a job (the upload counts as the first) before it is "
        "failed as `stalled`.",
    )
    projector_retry_delay_seconds: float = Field(
        default=2.0, ge=0, description="Delay before a job event that failed to project returns."
    )
    shutdown_grace_seconds: float = Field(
        default=10.0, gt=0, description="How long in-flight event handlers may finish at shutdown."
    )


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
