"""A helper task that lives exactly as long as a block: heartbeats, progress."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

CANCEL_POLL_SECONDS = 0.1


@contextlib.asynccontextmanager
async def in_background(coroutine: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `coroutine` as a task while the block runs; stop it when the block ends.

    Cancelled until it is done, not once: on Python 3.11 `asyncio.wait_for` (inside
    every nats-py request) can swallow a cancellation that meets its reply, and a
    loop that goes on would hold the block's exit forever.
    """
    task = asyncio.create_task(coroutine)
    try:
        yield
    finally:
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=CANCEL_POLL_SECONDS)
        if not task.cancelled():
            task.result()
