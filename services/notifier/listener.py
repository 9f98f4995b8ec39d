"""A connection's place in the replica's routing: what it wants and its bounded queue.

The hub calls `deliver` synchronously from its bus callbacks, so routing one bus
message to any number of connections takes no task switch. While the connection is
catching up (reading its snapshot or replay from the stream), live messages are held
aside, each job's progress only as its latest tick; `caught_up` then queues them in
arrival order, except statuses the catch-up already covered. A queue over its limit
closes the connection as `slow_consumer` and is emptied, so memory stays bounded.
"""

import asyncio
from collections import deque
from collections.abc import Callable, Container
from uuid import UUID

from contracts.live import CloseReason
from services.notifier.outgoing import Outgoing


class ListenerClosedError(Exception):
    """The connection is to be closed for `reason`."""

    def __init__(self, reason: CloseReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Listener:
    """One connection's filter and queue."""

    __slots__ = (
        "_closed",
        "_floor",
        "_held",
        "_held_progress",
        "_interrupt",
        "_limit",
        "_queue",
        "_waiter",
        "deleted",
        "job_id",
        "owner_key",
        "video_id",
    )

    def __init__(
        self,
        owner_id: UUID,
        *,
        video_id: UUID | None,
        job_id: UUID | None,
        limit: int,
        deleted: Container[UUID] = frozenset(),
    ) -> None:
        self.owner_key = str(owner_id)
        self.video_id = video_id
        self.job_id = job_id
        self.deleted = deleted
        self._limit = limit
        self._queue: deque[Outgoing] = deque()
        self._held: list[Outgoing] | None = []
        self._held_progress: dict[UUID | None, int] = {}
        self._floor = 0
        self._waiter: asyncio.Future[None] | None = None
        self._closed: ListenerClosedError | None = None
        self._interrupt: Callable[[], None] | None = None

    def wants(self, item: Outgoing) -> bool:
        """Whether the item passes this connection's video and job filters (a message about
        no video, such as a snapshot marker, always does)."""
        if item.video_id is None:
            return True
        if item.video_id in self.deleted:
            return False
        if self.video_id is not None and item.video_id != self.video_id:
            return False
        return self.job_id is None or item.job_id == self.job_id

    def deliver(self, item: Outgoing) -> None:
        """Route a live message here, if wanted and not already covered by the catch-up."""
        if self._closed is not None or not self.wants(item):
            return
        sequence = item.status_sequence
        if self._held is not None:
            self._hold(item)
            return
        if sequence is not None and sequence <= self._floor:
            return
        self._push(item)

    def notify(self, item: Outgoing) -> None:
        """Queue a message for this connection alone (not subject to the filters)."""
        if self._closed is None:
            self._push(item)

    def forget(self, video_id: UUID, job_ids: list[UUID], notice: Outgoing) -> None:
        """The video was deleted (and is now in `deleted`, so nothing more about it gets
        through): drop what is queued about it, and tell the client if it follows it."""
        wanted = self.video_id in (None, video_id) and self.job_id in (None, *job_ids)
        self._queue = deque(item for item in self._queue if item.video_id != video_id)
        if self._held is not None:
            self._held = [item for item in self._held if item.video_id != video_id]
            self._held_progress = {
                item.job_id: index
                for index, item in enumerate(self._held)
                if item.status_sequence is None
            }
        if wanted:
            self.notify(notice)

    def caught_up(self, floor: int) -> None:
        """The catch-up covered the stream up to `floor`: queue the held statuses after it."""
        held, self._held = self._held or [], None
        self._held_progress = {}
        self._floor = floor
        for item in held:
            self.deliver(item)

    def close(self, reason: CloseReason, detail: str) -> None:
        """Ask the connection to close; what is queued is dropped, and a send in progress
        (blocked by a client that does not read) is interrupted."""
        if self._closed is None:
            self._closed = ListenerClosedError(reason, detail)
            self._queue.clear()
            self._held = None
            self._wake()
            if self._interrupt is not None:
                self._interrupt()

    def on_close(self, interrupt: Callable[[], None]) -> None:
        """Call `interrupt` when the connection is asked to close."""
        self._interrupt = interrupt

    @property
    def closing(self) -> ListenerClosedError | None:
        """Why the connection is to close, once it is."""
        return self._closed

    @property
    def closed(self) -> bool:
        return self._closed is not None

    async def next(self, wait_seconds: float) -> Outgoing | None:
        """The next queued message, or None when none came within `wait_seconds`;
        `ListenerClosedError` once the connection is to close."""
        if not self._queue and self._closed is None:
            # A bare future and a timer: the cheapest wait (thousands of connections).
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            timer = loop.call_later(wait_seconds, _resolve, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self._closed is not None:
            raise self._closed
        return self._queue.popleft() if self._queue else None

    def _hold(self, item: Outgoing) -> None:
        held = self._held
        assert held is not None
        if item.status_sequence is None:
            index = self._held_progress.get(item.job_id)
            if index is not None:
                held[index] = item
                return
            self._held_progress[item.job_id] = len(held)
        held.append(item)
        if len(held) > self._limit:
            self._overflow()

    def _push(self, item: Outgoing) -> None:
        self._queue.append(item)
        if len(self._queue) > self._limit:
            self._overflow()
        else:
            self._wake()

    def _overflow(self) -> None:
        self.close(
            CloseReason.SLOW_CONSUMER,
            f"More than {self._limit} messages waited for this client; resume from the "
            "last sequence received.",
        )

    def _wake(self) -> None:
        if self._waiter is not None:
            _resolve(self._waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
