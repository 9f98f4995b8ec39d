"""One connection's feed: first what it missed, read back from the stream, then what the
hub routes to it live, with nothing lost or sent twice in between.

The connection's `Listener` joins the hub *before* the stream is read, so every status
stored after that moment reaches it live; the read (`history`) then covers the stream
up to at least its last sequence at the read's start (`floor`). Live statuses are held
aside during the read, and only those after the floor are sent after it.

- Without a resume point: a snapshot, between `snapshot.start` (reason `connect`) and
  `snapshot.end`, of the user's jobs not finished or finished within the recent window.
- With one (`since`): a replay of every status stored after it, in stream order. A
  resume point before the stream's first sequence, or more than the replay limit
  behind its last, gets a snapshot with reason `resume_too_old`; one past the stream's
  end (a recreated stream) gets one with reason `resume_unknown`.

A deleted video's jobs are never sent: the gateway purges their statuses from the
stream before it publishes the deletion, and the listener drops whatever about them
was already read or queued. The feed also ends the connection when its token expires.
"""

import logging
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from uuid import UUID

from contracts.events import JobStatusChangedEvent
from contracts.live import (
    CloseReason,
    JobStatusUpdate,
    ServerMessage,
    SnapshotEnd,
    SnapshotReason,
    SnapshotStart,
)
from services.notifier.auth import Grant
from services.notifier.history import StreamBounds, read_statuses
from services.notifier.hub import Hub
from services.notifier.listener import Listener, ListenerClosedError
from services.notifier.outgoing import Frame, Outgoing

logger = logging.getLogger(__name__)

UNAVAILABLE_DETAIL = "What you missed could not be read right now; reconnect shortly."
TOKEN_EXPIRED_DETAIL = "The access token expired; reconnect with a fresh one and resume."  # noqa: S105


@dataclass(frozen=True)
class FeedRequest:
    """What a client asked for: optional filters, and where to resume from."""

    video_id: UUID | None = None
    job_id: UUID | None = None
    since: int | None = None


@dataclass(frozen=True)
class CatchUpLimits:
    """How far back a snapshot looks and a replay may go."""

    recent_seconds: float
    resume_max_messages: int


class LiveFeed:
    """The messages one connection is sent, in order."""

    def __init__(
        self,
        hub: Hub,
        grant: Grant,
        request: FeedRequest,
        limits: CatchUpLimits,
        *,
        buffer: int,
        on_caught_up: Callable[[float], None],
    ) -> None:
        self._hub = hub
        self._opened = time.monotonic()
        self._on_caught_up = on_caught_up
        self._request = request
        self._limits = limits
        self._listener = Listener(
            grant.user_id,
            video_id=request.video_id,
            job_id=request.job_id,
            limit=buffer,
            deleted=hub.deleted,
        )
        self._catch_up: AsyncGenerator[Outgoing] | None = self._read_back()
        self.grant = grant
        self.resume_point = request.since or 0
        hub.add(self._listener)
        # Every status after this the hub routes live: a safe floor for the catch-up.
        self._joined_at = hub.bounds.last

    @property
    def owner_id(self) -> UUID:
        return self.grant.user_id

    @property
    def video_id(self) -> UUID | None:
        return self._request.video_id

    async def next(self, wait_seconds: float) -> Frame | None:
        """The next frame to send, or None when nothing came within `wait_seconds`;
        `ListenerClosedError` when the connection must close (token expired, client too
        slow, notifier stopping, refresh refused)."""
        left = self.grant.seconds_left
        if left <= 0:
            self.end(CloseReason.TOKEN_EXPIRED, TOKEN_EXPIRED_DETAIL)
        while self._catch_up is not None:
            if self._listener.closed:
                break
            try:
                item = await anext(self._catch_up, None)
            except Exception:  # nats-py raises several unrelated types for one outage
                logger.warning("catch-up read failed", exc_info=True)
                self._catch_up = None
                self.end(CloseReason.UNAVAILABLE, UNAVAILABLE_DETAIL)
                break
            if item is None:
                self._catch_up = None
            elif self._listener.wants(item):
                return self._frame(item)
        item = await self._listener.next(min(wait_seconds, max(left, 0.0)))
        return None if item is None else self._frame(item)

    def refresh(self, grant: Grant) -> None:
        """Extend the connection's life to a newer token's (of the same user)."""
        self.grant = grant

    def notify(self, message: ServerMessage) -> None:
        """Send a message to this connection alone, after what is already queued."""
        self._listener.notify(Outgoing(message))

    def on_close(self, interrupt: Callable[[], None]) -> None:
        """Call `interrupt` when the connection is to close (to stop a blocked send)."""
        self._listener.on_close(interrupt)

    @property
    def closing(self) -> ListenerClosedError | None:
        """Why the connection is to close, once it is."""
        return self._listener.closing

    def end(self, reason: CloseReason, detail: str) -> None:
        """Close the connection for `reason`: the next `next` raises."""
        self._listener.close(reason, detail)

    async def close(self) -> None:
        """Leave the hub and stop any read in progress (deleting its consumer)."""
        self._hub.remove(self._listener)
        self._listener.close(CloseReason.GOING_AWAY, "closed")
        if self._catch_up is not None:
            catch_up, self._catch_up = self._catch_up, None
            await catch_up.aclose()

    def _frame(self, item: Outgoing) -> Frame:
        sequence = item.status_sequence
        if sequence is not None and sequence > self.resume_point:
            self.resume_point = sequence
        return item.frame(self.resume_point)

    async def _read_back(self) -> AsyncGenerator[Outgoing]:
        """What the connection missed: a replay or a snapshot; then join the live flow."""
        hub = self._hub
        assert hub.nc is not None
        js = hub.nc.jetstream()
        floor = self._joined_at
        owner, job_id, since = self.owner_id, self._request.job_id, self._request.since
        # Read in full, then send: the read slot and the stream consumer are not held
        # while a slow client takes its time.
        async with hub.reads:
            # Only a resume needs the stream's current first sequence.
            reason = self._snapshot_reason(
                hub.bounds if since is None else await hub.refresh_bounds()
            )
            stored = [
                stored
                async for stored in read_statuses(
                    js, owner, job_id=job_id, after=(since if reason is None else None)
                )
            ]
        jobs = 0
        if reason is None:
            for sequence, event in stored:
                floor = max(floor, sequence)
                yield _status(event, sequence)
        else:
            yield Outgoing(SnapshotStart(reason=reason))
            recent = time.time() - self._limits.recent_seconds
            for sequence, event in stored:
                floor = max(floor, sequence)
                if not event.status.is_terminal or event.occurred_at.timestamp() >= recent:
                    item = _status(event, sequence)
                    if self._listener.wants(item):
                        jobs += 1
                        yield item
        self.resume_point = max(self.resume_point, floor)
        # Live messages queue behind the snapshot's end, which is sent first.
        self._listener.caught_up(floor)
        self._on_caught_up(time.monotonic() - self._opened)
        if reason is not None:
            yield Outgoing(SnapshotEnd(jobs=jobs))

    def _snapshot_reason(self, bounds: StreamBounds) -> SnapshotReason | None:
        since = self._request.since
        if since is None:
            return SnapshotReason.CONNECT
        if since > bounds.last:
            return SnapshotReason.RESUME_UNKNOWN
        if since + 1 < bounds.first or bounds.last - since > self._limits.resume_max_messages:
            return SnapshotReason.RESUME_TOO_OLD
        return None


def _status(event: JobStatusChangedEvent, sequence: int) -> Outgoing:
    update = JobStatusUpdate.of(event, sequence)
    return Outgoing(update, video_id=event.video_id, job_id=event.job_id)
