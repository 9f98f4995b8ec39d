"""Keep tokens out of uvicorn's own log lines.

uvicorn logs each WebSocket handshake with its query string, which may hold
`access_token=...`; its access log does the same for SSE. The access log is
turned off, and this filter redacts whatever uvicorn still logs, before any
handler (ours, or a test's) sees the record.
"""

import logging

from services.common.logging import redact

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with anything token-like replaced by `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def redact_uvicorn_logs() -> None:
    """Install the filter on uvicorn's loggers once per process."""
    for name in UVICORN_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactingFilter) for existing in target.filters):
            target.addFilter(RedactingFilter())
