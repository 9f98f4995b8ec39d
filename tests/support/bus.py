"""Test helpers for the bus: read what a stream holds, publish as Echo's services do,
and wait for a condition without sleeping blindly."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from pydantic import TypeAdapter

from contracts import subjects
from contracts.events import VideoUploadedEvent, WorkerJobEvent
from contracts.streams import JOBS
from services.common.bus import MSG_ID_HEADER

T = TypeVar("T")
_JOB_EVENT = TypeAdapter[WorkerJobEvent](WorkerJobEvent)


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 10.0, what: str = "condition"
) -> T:
    """Poll `probe` until it returns something truthy; fail after `within` seconds."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {within} s waiting for {what}; last value: {last!r}")


async def stream_messages(js: JetStreamContext, stream: str) -> list[RawStreamMsg]:
    """Every message currently stored in `stream`, oldest first."""
    state = (await js.stream_info(stream)).state
    if not state.messages:
        return []
    messages = []
    for seq in range(state.first_seq, state.last_seq + 1):
        with contextlib.suppress(NotFoundError):  # a deleted sequence in between
            messages.append(await js.get_msg(stream, seq))
    return messages


def msg_id(message: RawStreamMsg) -> str | None:
    """The `Nats-Msg-Id` a stored message was published with."""
    value = (message.headers or {}).get(MSG_ID_HEADER)
    return str(value) if value is not None else None


async def stored_job_events(js: JetStreamContext) -> list[WorkerJobEvent]:
    """Every worker event stored in `ECHO_JOBS`, in stream order."""
    return [
        _JOB_EVENT.validate_json(message.data or b"")
        for message in await stream_messages(js, JOBS.name)
    ]


async def publish_upload(js: JetStreamContext, event: VideoUploadedEvent, msg_id: str = "") -> int:
    """Publish as the gateway's outbox relay does; returns the stream sequence.

    The message id defaults to the event id: the stream's duplicate window outlives a
    purge, so ids must not repeat across tests.
    """
    ack = await js.publish(
        subjects.VIDEO_UPLOADED,
        event.model_dump_json().encode(),
        headers={MSG_ID_HEADER: msg_id or str(event.event_id), "content-type": "application/json"},
    )
    return ack.seq
