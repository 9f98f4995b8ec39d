"""What every worker is tuned by, read under its own env prefix (`ECHO_TRANSCODER_*`, ...).

The consumer fields come from `ConsumerTuning` unchanged, defaults included:
`python -m services.migrate` reads the same variables through `ConsumerTuning` to
declare the worker's durable consumer, so the worker and its consumer always agree.
"""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.bus import ConsumerTuning
from services.common.media import MediaLimits
from services.common.settings import ServiceSettings

MAX_RETRY_DELAY_SECONDS = 300.0
"""Backoff stops doubling here, so a late retry is never hours away."""


class WorkerSettings(ServiceSettings, ConsumerTuning):
    """Tuning every worker has; each worker subclasses it with `WORKER_ENV_PREFIXES[kind]`."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    progress_interval_seconds: float = Field(
        default=1.0, gt=0, description="Least time between two progress events of a job."
    )
    retry_base_delay_seconds: float = Field(
        default=2.0, gt=0, description="First retry delay after a transient error; doubles."
    )
    drain_grace_seconds: float = Field(
        default=30.0,
        ge=0,
        description="On shutdown, how long a running job may finish before it is stopped "
        "and handed back to JetStream for another replica.",
    )
    max_duration_seconds: float = Field(default=4 * 3600, gt=0, description="Longest input.")
    max_pixels: int = Field(default=7680 * 4320, gt=0, description="Largest input picture.")
    max_decode_seconds: float = Field(
        default=3600, gt=0, description="Wall-clock budget of one job."
    )

    def media_limits(self) -> MediaLimits:
        return MediaLimits(
            max_duration_seconds=self.max_duration_seconds,
            max_pixels=self.max_pixels,
            max_decode_seconds=self.max_decode_seconds,
        )

    def retry_delay(self, delivery: int) -> float:
        """How long JetStream waits before delivery `delivery + 1` after a transient error."""
        delay: float = self.retry_base_delay_seconds * 2 ** (delivery - 1)
        return min(delay, MAX_RETRY_DELAY_SECONDS)
