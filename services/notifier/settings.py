"""The notifier's own tuning (`ECHO_NOTIFIER_*`); bus and auth use the shared settings."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    """Where the notifier listens and how it keeps idle connections alive."""

    model_config = SettingsConfigDict(env_prefix="ECHO_NOTIFIER_", extra="ignore", frozen=True)

    port: int = Field(default=8003, ge=0, le=65535, description="Bind port of the notifier.")
    keepalive_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Idle time after which a WebSocket ping or an SSE comment is sent, "
        "so proxies keep quiet connections open.",
    )
    consumer_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        description="JetStream idle heartbeat of each connection's consumer; two missed "
        "heartbeats recreate the consumer where it left off.",
    )
    sse_retry_ms: int = Field(
        default=3000, ge=0, description="Reconnection delay suggested to SSE clients."
    )
    shutdown_grace_seconds: int = Field(
        default=5, ge=0, description="How long open streams may run on after a stop request."
    )
