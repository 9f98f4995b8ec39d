"""Test helpers for the bus: read what a stream holds, and wait for a condition without
sleeping blindly."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from services.common.bus import MSG_ID_HEADER

T = TypeVar("T")


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
