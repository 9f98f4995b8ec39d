"""Logging with the video and job in every line, and no tokens ever.

Handlers set the context with `log_context(video_id=..., job_id=...)`; the
formatter adds whatever is set to each record.
"""

import contextvars
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("echo_log_context")

_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)((?:access_token|token|apikey|authorization)=)[^&\s\"']+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
)


def redact(text: str) -> str:
    """Replace anything that looks like a bearer token or JWT with `[redacted]`."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + "[redacted]", text)
    return text


@contextmanager
def log_context(**fields: UUID | str | int | None) -> Iterator[None]:
    """Add fields (e.g. video_id, job_id) to every log line inside the block."""
    current = dict(_context.get({}))
    current.update({key: str(value) for key, value in fields.items() if value is not None})
    token = _context.set(current)
    try:
        yield
    finally:
        _context.reset(token)


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.echo_context = _context.get({})
        return True


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        context: dict[str, str] = getattr(record, "echo_context", {})
        suffix = " ".join(f"{key}={value}" for key, value in sorted(context.items()))
        return redact(f"{base} {suffix}" if suffix else base)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "echo_context", {}),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(payload, default=str))


def configure_logging(service: str, level: str = "INFO", as_json: bool = False) -> None:
    """Set up the root logger once per process."""
    handler = logging.StreamHandler()
    handler.addFilter(_ContextFilter())
    if as_json:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            _TextFormatter(f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
