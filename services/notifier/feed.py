"""One connection's view of `ECHO_STATUS`: the current state of each of a user's jobs,
then every change, with no gap between the two.

Each feed is a JetStream ordered push consumer filtered on the user's subjects
(`echo.status.<owner_id>.>`) that starts with `LAST_PER_SUBJECT`. The stream keeps
one message per job, so the first messages are the snapshot; the same consumer then
delivers live changes. If the consumer is lost (a server restart), nats-py recreates
it from the last stream sequence seen, so nothing is skipped.
"""

import contextlib
import logging
from dataclasses import dataclass
from uuid import UUID

import anyio
from nats.aio.client import Client as NatsClient
from nats.errors import ConnectionClosedError, TimeoutError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from contracts import subjects
from contracts.events import JobStatusChangedEvent
from contracts.rest import JobStatusUpdate
from contracts.streams import STATUS

logger = logging.getLogger(__name__)

# The server deletes a consumer left behind by a crashed notifier after this long.
ORPHAN_CONSUMER_SECONDS = 60.0


class FeedUnavailableError(Exception):
    """The bus cannot serve a feed right now; the client should retry shortly."""


class FeedClosedError(Exception):
    """The bus connection closed under an open feed (the notifier is stopping)."""


@dataclass(frozen=True)
class FeedItem:
    """One update and its position in the stream (SSE uses it as the event id)."""

    sequence: int
    update: JobStatusUpdate


def to_update(event: JobStatusChangedEvent) -> JobStatusUpdate:
    """The browser-facing shape of a recorded status change."""
    return JobStatusUpdate(
        job_id=event.job_id,
        video_id=event.video_id,
        kind=event.kind,
        status=event.status,
        progress=event.progress,
        eta_seconds=event.eta_seconds,
        error_code=event.error_code,
        error_message=event.error_message,
        video_status=event.video_status,
        version=event.version,
        occurred_at=event.occurred_at,
    )


class StatusFeed:
    """The status updates of one user's jobs, optionally of one video only."""

    def __init__(
        self,
        js: JetStreamContext,
        subscription: JetStreamContext.PushSubscription,
        owner_id: UUID,
        video_id: UUID | None,
    ) -> None:
        self._js = js
        self._subscription = subscription
        self.owner_id = owner_id
        self.video_id = video_id
        self.skipped = 0
        """Messages dropped because they were malformed or not this user's."""

    @classmethod
    async def open(
        cls,
        nc: NatsClient,
        owner_id: UUID,
        *,
        video_id: UUID | None = None,
        heartbeat_seconds: float = 5.0,
    ) -> "StatusFeed":
        """Start the user's consumer; `FeedUnavailableError` when the bus is down."""
        if not nc.is_connected:
            raise FeedUnavailableError("not connected to NATS")
        js = nc.jetstream()
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.LAST_PER_SUBJECT,
            inactive_threshold=ORPHAN_CONSUMER_SECONDS,
        )
        try:
            subscription = await js.subscribe(
                subjects.job_status_of_owner(owner_id),
                stream=STATUS.name,
                config=config,
                ordered_consumer=True,
                idle_heartbeat=heartbeat_seconds,
            )
        except Exception as error:  # nats-py raises several unrelated types for one outage
            raise FeedUnavailableError(f"cannot subscribe: {type(error).__name__}") from error
        return cls(js, subscription, owner_id, video_id)

    async def next(self, wait_seconds: float) -> FeedItem | None:
        """The next update, or None when none came within `wait_seconds`."""
        with anyio.move_on_after(wait_seconds):
            while True:
                try:
                    message = await self._subscription.next_msg(timeout=None)
                except ConnectionClosedError as error:
                    raise FeedClosedError from error
                except TimeoutError:
                    continue
                item = self._parse(message.subject, message.data, message.metadata.sequence.stream)
                if item is not None:
                    return item
        return None

    def _parse(self, subject: str, data: bytes, sequence: int) -> FeedItem | None:
        try:
            event = JobStatusChangedEvent.model_validate_json(data)
        except ValidationError as error:
            self.skipped += 1
            logger.warning(
                "skipping malformed status message %s on %s: %d validation errors",
                sequence,
                subject,
                error.error_count(),
            )
            return None
        if event.owner_id != self.owner_id:
            self.skipped += 1
            logger.warning("skipping status message %s: owner differs from its subject", sequence)
            return None
        if self.video_id is not None and event.video_id != self.video_id:
            return None
        return FeedItem(sequence=sequence, update=to_update(event))

    async def close(self) -> None:
        """Stop delivery and delete the consumer; safe to call twice, and under cancellation."""
        # nats-py names the consumer only privately; it changes when an ordered consumer resets.
        consumer = self._subscription._consumer
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()
            with contextlib.suppress(NotFoundError, ConnectionClosedError, TimeoutError):
                await self._js.delete_consumer(STATUS.name, consumer)
