"""The notifier's own tuning (`ECHO_NOTIFIER_*`); bus and auth use the shared settings."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    """Where the notifier listens, what a connection is sent first, and its limits."""

    model_config = SettingsConfigDict(env_prefix="ECHO_NOTIFIER_", extra="ignore", frozen=True)

    port: int = Field(default=8003, ge=0, le=65535, description="Bind port of the notifier.")
    keepalive_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Idle time after which a WebSocket ping or an SSE comment is sent, "
        "so proxies keep quiet connections open; a WebSocket whose ping is not answered "
        "within as long again is closed and released.",
    )
    consumer_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        description="JetStream idle heartbeat of the replica's status consumer; two missed "
        "heartbeats recreate it where it left off.",
    )
    snapshot_recent_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="A snapshot holds the user's unfinished jobs and those that finished "
        "within this many seconds.",
    )
    resume_max_messages: int = Field(
        default=10_000,
        ge=0,
        description="A resume point further behind the stream's end than this many "
        "messages gets a snapshot instead of a replay.",
    )
    client_buffer_messages: int = Field(
        default=256,
        ge=1,
        description="Messages waiting for one slow client; beyond it the connection is "
        "closed as `slow_consumer` (the client resumes where it was).",
    )
    sse_retry_ms: int = Field(
        default=3000, ge=0, description="Reconnection delay suggested to SSE clients."
    )
    shutdown_grace_seconds: int = Field(
        default=5,
        ge=0,
        description="On shutdown, how long connections have to close after being told "
        "`going_away`, before they are cut.",
    )
