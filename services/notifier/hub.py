"""The replica's one reading of the bus, routed in memory to its connections.

A replica subscribes once, whatever its number of connections:

- recorded statuses: an ordered push consumer on `ECHO_STATUS` (`echo.status.>`),
  delivering new messages only; nats-py recreates it from the last sequence seen if
  it is lost, so no status is skipped while the replica runs;
- progress: a core subscription to `echo.progress.>` (not state: a missed tick is
  superseded by the next a second later, so it needs no consumer);
- deletions: an ordered push consumer on `ECHO_VIDEOS` filtered to
  `echo.videos.deleted`.

Connections are indexed by owner, taken from the subject (`echo.status.<owner>.<job>`),
so a message for a user with no connection here is not even parsed. A message is
parsed, checked against its subject's owner (a mismatch is dropped and counted, never
relayed) and rendered once, then handed to each of the owner's connections, which
apply their own video and job filters. Any number of replicas each do the same, so
any replica serves any client.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Container
from enum import StrEnum
from typing import Literal, TypeVar
from uuid import UUID

import anyio
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from pydantic import ValidationError

from contracts import subjects
from contracts.events import JobProgressEvent, JobStatusChangedEvent, VideoDeletedEvent
from contracts.live import CloseReason, JobProgressUpdate, JobStatusUpdate, VideoDeleted
from contracts.streams import STATUS, VIDEOS
from services.notifier.history import StreamBounds, stream_bounds
from services.notifier.listener import Listener
from services.notifier.outgoing import Outgoing

logger = logging.getLogger(__name__)

MessageType = Literal["job.status", "job.progress", "video.deleted"]
Event = TypeVar("Event", JobStatusChangedEvent, JobProgressEvent, VideoDeletedEvent)

# The server deletes the consumer of a replica that died after this long.
ORPHAN_CONSUMER_SECONDS = 60.0
OWNER_TOKEN = 2  # echo.<status|progress>.<owner>.<job>
DELETED_MEMORY = 10_000
CATCH_UP_CONCURRENCY = 32
"""Connections reading their snapshot or replay at once; more wait their turn, so that a
crowd reconnecting after a restart queues here instead of timing out on the bus."""
GOING_AWAY_DETAIL = "The notifier is stopping; reconnect and resume from the last sequence."


class DropReason(StrEnum):
    """Why a bus message was not relayed."""

    MALFORMED = "malformed"
    WRONG_OWNER = "wrong_owner"


OnDrop = Callable[[MessageType, DropReason], None]


class RecentlyDeleted(Container[UUID]):
    """The videos deleted while this replica ran, the latest `DELETED_MEMORY` of them.

    The gateway purges a deleted video's statuses before publishing the fact, so the
    stream no longer has them; this memory also keeps out a status that was already on
    its way when the video was deleted."""

    def __init__(self) -> None:
        self._videos: OrderedDict[UUID, None] = OrderedDict()

    def add(self, video_id: UUID) -> None:
        self._videos[video_id] = None
        if len(self._videos) > DELETED_MEMORY:
            self._videos.popitem(last=False)

    def __contains__(self, video_id: object) -> bool:
        return video_id in self._videos


class HubUnavailableError(Exception):
    """The hub cannot subscribe (the bus is down, or the migrate step has not run)."""


class Hub:
    """Every connection of this replica, by owner, and the subscriptions feeding them."""

    def __init__(self, *, heartbeat_seconds: float, on_drop: OnDrop) -> None:
        self._heartbeat_seconds = heartbeat_seconds
        self._on_drop = on_drop
        self._listeners: dict[str, set[Listener]] = {}
        self._subscriptions: list[Subscription] = []
        self.nc: NatsClient | None = None
        self.started = False
        self.stopping = False
        self._emptied: asyncio.Event | None = None
        self.deleted = RecentlyDeleted()
        self.bounds = StreamBounds(first=0, last=0)
        self.reads = asyncio.Semaphore(CATCH_UP_CONCURRENCY)

    @property
    def connections(self) -> int:
        return sum(len(listeners) for listeners in self._listeners.values())

    @property
    def serving(self) -> bool:
        """Subscribed, connected to the bus, and not stopping."""
        connected = self.nc is not None and self.nc.is_connected
        return self.started and connected and not self.stopping

    async def start(self, nc: NatsClient) -> None:
        """Subscribe; `HubUnavailableError` when a stream is missing or the bus is down."""
        self.nc = nc
        js = nc.jetstream()
        try:
            # Read before subscribing: a lower last sequence is a safe floor (see `feed`).
            self.bounds = await stream_bounds(js)
            self._subscriptions.append(await nc.subscribe(subjects.PROGRESS, cb=self._on_progress))
            for subject, stream, callback in (
                (subjects.JOB_STATUS, STATUS.name, self._on_status),
                (subjects.VIDEO_DELETED, VIDEOS.name, self._on_deleted),
            ):
                self._subscriptions.append(
                    await js.subscribe(
                        subject,
                        stream=stream,
                        cb=callback,
                        ordered_consumer=True,
                        idle_heartbeat=self._heartbeat_seconds,
                        config=ConsumerConfig(
                            deliver_policy=DeliverPolicy.NEW,
                            inactive_threshold=ORPHAN_CONSUMER_SECONDS,
                        ),
                    )
                )
        except Exception as error:  # nats-py raises several unrelated types for one outage
            await self._unsubscribe()
            raise HubUnavailableError(f"cannot subscribe: {type(error).__name__}") from error
        self.started = True

    def add(self, listener: Listener) -> None:
        self._listeners.setdefault(listener.owner_key, set()).add(listener)

    def remove(self, listener: Listener) -> None:
        listeners = self._listeners.get(listener.owner_key)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[listener.owner_key]
        if not self._listeners and self._emptied is not None:
            self._emptied.set()

    async def stop(self, grace_seconds: float) -> None:
        """Refuse new connections, tell every open one `going_away`, wait up to
        `grace_seconds` for them to close, then unsubscribe."""
        self.stopping = True
        for listeners in self._listeners.values():
            for listener in listeners:
                listener.close(CloseReason.GOING_AWAY, GOING_AWAY_DETAIL)
        if self._listeners:
            self._emptied = asyncio.Event()
            with anyio.move_on_after(grace_seconds):
                await self._emptied.wait()
        await self._unsubscribe()

    async def refresh_bounds(self) -> StreamBounds:
        """Read the stream's bounds now; the last sequence never moves back (the live
        consumer may have seen further than the stream info says, never less)."""
        assert self.nc is not None
        read = await stream_bounds(self.nc.jetstream())
        self.bounds = StreamBounds(read.first, max(read.last, self.bounds.last))
        return self.bounds

    async def _unsubscribe(self) -> None:
        for subscription in self._subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
            if isinstance(subscription, JetStreamContext.PushSubscription) and self.nc:
                # nats-py names an ordered consumer only privately (it changes each time
                # the consumer is recreated); deleting it spares the server a minute.
                with contextlib.suppress(Exception):
                    await self.nc.jetstream().delete_consumer(
                        subscription._stream, subscription._consumer
                    )
        self._subscriptions.clear()

    def _routed(self, message: Msg) -> tuple[set[Listener], str] | None:
        tokens = message.subject.split(".")
        owner = tokens[OWNER_TOKEN] if len(tokens) > OWNER_TOKEN else ""
        listeners = self._listeners.get(owner)
        return (listeners, owner) if listeners else None

    async def _on_status(self, message: Msg) -> None:
        sequence = message.metadata.sequence.stream
        if sequence > self.bounds.last:
            self.bounds = StreamBounds(self.bounds.first, sequence)
        routed = self._routed(message)
        if routed is None:
            return
        listeners, owner = routed
        event = self._parse(JobStatusChangedEvent, "job.status", message, owner)
        if event is not None:
            update = JobStatusUpdate.of(event, sequence)
            item = Outgoing(update, video_id=event.video_id, job_id=event.job_id)
            for listener in list(listeners):
                listener.deliver(item)

    async def _on_progress(self, message: Msg) -> None:
        routed = self._routed(message)
        if routed is None:
            return
        listeners, owner = routed
        event = self._parse(JobProgressEvent, "job.progress", message, owner)
        if event is not None:
            item = Outgoing(
                JobProgressUpdate.of(event), video_id=event.video_id, job_id=event.job_id
            )
            for listener in list(listeners):
                listener.deliver(item)

    async def _on_deleted(self, message: Msg) -> None:
        event = self._parse(VideoDeletedEvent, "video.deleted", message, None)
        if event is None:
            return
        notice = Outgoing(
            VideoDeleted(video_id=event.video_id, job_ids=event.job_ids), video_id=event.video_id
        )
        self.deleted.add(event.video_id)
        for listener in list(self._listeners.get(str(event.owner_id), ())):
            listener.forget(event.video_id, event.job_ids, notice)

    def _parse(
        self, model: type[Event], kind: MessageType, message: Msg, owner: str | None
    ) -> Event | None:
        """The message's event if it is valid and of the owner its subject names."""
        try:
            event = model.model_validate_json(message.data)
        except ValidationError as error:
            self._on_drop(kind, DropReason.MALFORMED)
            logger.warning(
                "dropped malformed %s message on %s: %d validation errors",
                kind,
                message.subject,
                error.error_count(),
            )
            return None
        if owner is not None and str(event.owner_id) != owner:
            self._on_drop(kind, DropReason.WRONG_OWNER)
            logger.warning("dropped %s message on %s: owner differs", kind, message.subject)
            return None
        return event
