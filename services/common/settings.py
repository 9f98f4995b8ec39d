"""Settings shared by the services.

Shared infrastructure is configured once for every service with `ECHO_*`
variables (`ECHO_NATS_URL`, `ECHO_BLOB_ROOT`, `ECHO_JWT_SECRET`, ...); what is
particular to one service uses that service's prefix (`ECHO_GATEWAY_PORT`,
`ECHO_TRANSCODER_ACK_WAIT_SECONDS`, ...) through a `ServiceSettings` subclass.
Every settings object is built at startup, never at import time.
"""

from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import unquote, urlsplit

from pydantic import AnyUrl, Field, SecretStr, field_validator, model_validator
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


SUPABASE_TRANSACTION_POOLER_PORT = 6543
SUPABASE_POOLER_DOMAIN = ".pooler.supabase.com"


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

    @field_validator("database_url")
    @classmethod
    def _refuse_transaction_pooler(cls, url: SecretStr) -> SecretStr:
        # Supabase's transaction pooler (Supavisor, port 6543) hands each transaction to
        # any server connection: session advisory locks and prepared statements break.
        parsed = urlsplit(url.get_secret_value())
        if parsed.port == SUPABASE_TRANSACTION_POOLER_PORT and (parsed.hostname or "").endswith(
            SUPABASE_POOLER_DOMAIN
        ):
            raise ValueError(
                "ECHO_DATABASE_URL points at Supabase's transaction pooler (port 6543), which "
                "Echo cannot use: it holds session advisory locks and psycopg prepares "
                "statements; use the session pooler (port 5432) or the direct connection"
            )
        return url


WORKER_ENV_PREFIXES: dict[JobKind, str] = {
    JobKind.TRANSCODE: "ECHO_TRANSCODER_",
    JobKind.METADATA: "ECHO_METADATA_",
}
"""The env prefix of each kind's worker service (its settings and its consumer's tuning)."""


MIB = 1024 * 1024
DEFAULT_BLOB_ROOT = Path(".echo/blobs")


class BlobSettings(EchoSettings):
    """Where blobs live: a directory (`file://`) or an S3-compatible bucket (`s3://`).

    One URL chooses the backend; `services.common.blobs.open_blob_store` builds it.
    `ECHO_BLOB_ROOT` is the deprecated spelling of `ECHO_BLOB_URL=file://<path>`.
    """

    blob_url: str | None = Field(
        default=None,
        description="`file:///abs/path` (or `file:rel/path`) for a directory, "
        "`s3://bucket/optional/prefix` for a bucket. Default: the embedded `.echo/blobs`.",
    )
    blob_root: Path = Field(
        default=DEFAULT_BLOB_ROOT,
        description="Deprecated: use ECHO_BLOB_URL=file://<path>. The directory of a "
        "`file://` store (filled in from the URL when only the URL is set).",
    )
    blob_s3_endpoint_url: str | None = Field(
        default=None,
        description="S3 API endpoint; unset for AWS. Supabase: "
        "https://<ref>.supabase.co/storage/v1/s3; MinIO: http://host:9000.",
    )
    blob_s3_region: str = Field(default="us-east-1", description="The bucket's region.")
    blob_s3_access_key_id: SecretStr | None = Field(
        default=None,
        description="Access key id; unset to use the environment's AWS credentials chain.",
    )
    blob_s3_secret_access_key: SecretStr | None = Field(
        default=None, description="Secret access key (never logged)."
    )
    blob_s3_session_token: SecretStr | None = Field(
        default=None, description="Session token of temporary credentials, if any."
    )
    blob_s3_addressing_style: Literal["virtual", "path"] = Field(
        default="virtual",
        description="`path` (endpoint/bucket/key) for MinIO and Supabase; `virtual` "
        "(bucket.endpoint/key) for AWS.",
    )
    blob_s3_part_size_bytes: int = Field(
        default=8 * MIB,
        ge=5 * MIB,
        le=5 * 1024 * MIB,
        description="Multipart upload part size (S3 needs 5 MiB at least).",
    )
    blob_s3_upload_concurrency: int = Field(
        default=2, ge=1, le=16, description="Parts of one upload in flight at once."
    )
    blob_presign_expiry_seconds: int = Field(
        default=300,
        ge=1,
        le=7 * 24 * 3600,
        description="Lifetime of presigned download URLs (S3 only).",
    )
    blob_scratch_dir: Path | None = Field(
        default=None,
        description="Where workers keep scratch copies of sources (S3); the system temp "
        "directory when unset.",
    )

    @model_validator(mode="before")
    @classmethod
    def _root_from_url(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        url, root = data.get("blob_url"), data.get("blob_root")
        if not url:
            return data
        parsed = urlsplit(str(url))
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
            if root is not None and Path(root) != path:
                raise ValueError(
                    "ECHO_BLOB_URL and its deprecated alias ECHO_BLOB_ROOT disagree; "
                    "set only ECHO_BLOB_URL"
                )
            return {**data, "blob_root": path}
        if root is not None:
            raise ValueError("ECHO_BLOB_ROOT applies to file:// storage only; unset it")
        return data

    @model_validator(mode="after")
    def _check_url(self) -> Self:
        scheme = urlsplit(self.location).scheme
        if scheme not in ("file", "s3"):
            raise ValueError(f"ECHO_BLOB_URL must start with file:// or s3://, not {scheme}:")
        if scheme == "s3" and not urlsplit(self.location).netloc:
            raise ValueError("ECHO_BLOB_URL=s3://<bucket>/... needs a bucket name")
        if (self.blob_s3_access_key_id is None) != (self.blob_s3_secret_access_key is None):
            raise ValueError(
                "set both ECHO_BLOB_S3_ACCESS_KEY_ID and ECHO_BLOB_S3_SECRET_ACCESS_KEY, or neither"
            )
        return self

    @property
    def location(self) -> str:
        """The store's URL, `file://` spelled out when only the (deprecated) root is set."""
        if self.blob_url and not self.blob_url.startswith("file:"):
            return self.blob_url
        root = self.blob_root
        return root.as_uri() if root.is_absolute() else f"file:{root.as_posix()}"


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
