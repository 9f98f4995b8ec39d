"""Settings shared by the services.

Shared infrastructure is configured once for every service with `ECHO_*`
variables (`ECHO_NATS_URL`, `ECHO_BLOB_ROOT`, `ECHO_JWT_SECRET`, ...); what is
particular to one service uses that service's prefix (`ECHO_GATEWAY_PORT`,
`ECHO_TRANSCODER_ACK_WAIT_SECONDS`, ...) through a `ServiceSettings` subclass.
Every settings object is built at startup, never at import time.
"""

from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import AnyUrl, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.enums import JobKind

ENV_PREFIX = "ECHO_"
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "dev", "test", ""})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class EchoSettings(BaseSettings):
    """Base of every service's settings."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    environment: Environment = Field(
        default=Environment.PRODUCTION,
        description="`development` relaxes secret checks; anything else is production.",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_json: bool = Field(default=False, description="Log one JSON object per line.")


class BusSettings(EchoSettings):
    """Where the NATS JetStream bus is and how streams are replicated."""

    nats_url: str = Field(
        default="nats://127.0.0.1:4222",
        description="Comma-separated NATS server URLs.",
    )
    nats_stream_replicas: int = Field(
        default=1, ge=1, le=5, description="Replicas per stream: 1 embedded, 3 in a cluster."
    )
    nats_publish_timeout_seconds: float = Field(
        default=5.0, gt=0, description="How long to wait for JetStream to store a publish."
    )
    nats_publish_attempts: int = Field(
        default=5, ge=1, description="Publish attempts (same message id each time)."
    )

    @property
    def nats_servers(self) -> list[str]:
        return [url.strip() for url in self.nats_url.split(",") if url.strip()]


class DatabaseSettings(EchoSettings):
    """Where Postgres is (`ECHO_DATABASE_*`): the gateway's and the migrate step's."""

    database_url: SecretStr = Field(
        description="Postgres DSN, e.g. postgresql://user:pass@host:5432/postgres. Its role must "
        "be allowed to `set role authenticated` (true for Supabase's `postgres`)."
    )
    database_pool_min_size: int = Field(default=1, ge=0, description="Connections kept open.")
    database_pool_max_size: int = Field(default=10, ge=1, description="Connections at most.")
    database_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long a request waits for a pooled connection."
    )


WORKER_ENV_PREFIXES: dict[JobKind, str] = {
    JobKind.TRANSCODE: "ECHO_TRANSCODER_",
    JobKind.METADATA: "ECHO_METADATA_",
}
"""The env prefix of each kind's worker service (its settings and its consumer's tuning)."""


class BlobSettings(EchoSettings):
    """Where blobs live: a directory on local disk or on a shared volume."""

    blob_root: Path = Field(
        default=Path(".echo/blobs"),
        description="Root directory of blob storage, shared by every service.",
    )


class AuthSettings(EchoSettings):
    """How Supabase access tokens are verified (HS256 secret or JWKS)."""

    jwt_secret: SecretStr | None = Field(
        default=None, description="Supabase project's JWT secret (HS256, legacy)."
    )
    jwt_jwks_url: AnyUrl | None = Field(
        default=None,
        description="JWKS endpoint, e.g. https://<ref>.supabase.co/auth/v1/.well-known/jwks.json",
    )
    jwt_audience: str = Field(default="authenticated", description="Required `aud` claim.")
    jwt_issuer: str | None = Field(
        default=None, description="Required `iss` claim, e.g. https://<ref>.supabase.co/auth/v1"
    )
    jwt_leeway_seconds: int = Field(default=30, ge=0, description="Clock skew allowed.")

    @model_validator(mode="after")
    def _require_a_key(self) -> Self:
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            raise ValueError("set ECHO_JWT_SECRET or ECHO_JWT_JWKS_URL to verify access tokens")
        if (
            self.environment is not Environment.DEVELOPMENT
            and self.jwt_secret is not None
            and (
                self.jwt_secret.get_secret_value() in PLACEHOLDER_SECRETS
                or len(self.jwt_secret.get_secret_value()) < 32
            )
        ):
            raise ValueError(
                "ECHO_JWT_SECRET is a placeholder or shorter than 32 characters; "
                "use the project's real secret (or ECHO_ENVIRONMENT=development)"
            )
        return self


class ServiceSettings(BaseSettings):
    """Base of one service's own settings; subclasses set `env_prefix`, e.g. `ECHO_GATEWAY_`.

    `host` and `port` are where the service's HTTP endpoints (API or health and
    metrics) listen.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    host: str = Field(default="127.0.0.1", description="Bind address of the HTTP endpoints.")
    port: int = Field(default=8000, ge=0, le=65535, description="Bind port of the HTTP endpoints.")
