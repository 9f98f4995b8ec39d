"""What an upload may demand of a worker, and how a refusal is said."""

from dataclasses import dataclass

from contracts.enums import JobErrorCode


@dataclass(frozen=True)
class MediaLimits:
    """Bounds on what an upload may demand of a worker."""

    max_duration_seconds: float = 4 * 3600
    max_pixels: int = 7680 * 4320
    max_streams: int = 32
    max_decode_seconds: float = 3600
    open_timeout_seconds: float = 10


class MediaError(Exception):
    """The media cannot be processed; `error` says why in words and in a code."""

    def __init__(self, code: JobErrorCode, message: str, *, retriable: bool = False) -> None:
        # Imported here: `JobError` brings pydantic, which a command-line probe that never
        # fails should not pay for at start-up.
        from contracts.errors import JobError

        super().__init__(message)
        self.error = JobError(code=code, message=message, retriable=retriable)
