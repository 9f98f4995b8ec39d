"""Reading a user's recorded statuses back from `ECHO_STATUS`, for a snapshot or a replay.

`ECHO_STATUS` keeps the last status of each job (`echo.status.<owner>.<job>`) for a
week. A read is a short-lived consumer filtered to one user (or one job): with
`LAST_PER_SUBJECT` for a snapshot (the current state of each job), or from a sequence
for a replay (every job's latest status recorded after it, in stream order; a version
superseded by a later one of the same job is no longer stored, and is not news). It
is an ephemeral pull consumer in memory, without acks, fetched in batches of what it
says is pending and deleted right after (the server removes it by itself if this
replica dies first).
"""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID, uuid4

from nats.errors import ConnectionClosedError, TimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from contracts import subjects
from contracts.events import JobStatusChangedEvent
from contracts.streams import STATUS

FETCH_BATCH = 1000
FETCH_TIMEOUT_SECONDS = 5.0
ORPHAN_READER_SECONDS = 30.0


@dataclass(frozen=True)
class StreamBounds:
    """The first and last sequences `ECHO_STATUS` holds now."""

    first: int
    last: int


async def stream_bounds(js: JetStreamContext) -> StreamBounds:
    state = (await js.stream_info(STATUS.name)).state
    return StreamBounds(first=state.first_seq, last=state.last_seq)


async def read_statuses(
    js: JetStreamContext,
    owner_id: UUID,
    *,
    job_id: UUID | None = None,
    after: int | None = None,
) -> AsyncIterator[tuple[int, JobStatusChangedEvent]]:
    """`(sequence, event)` of the user's (or one job's) stored statuses in stream order:
    the latest of each job when `after` is None, else those stored after `after`.
    A malformed message is skipped (the live path counts it)."""
    filter_subject = (
        subjects.job_status_of_owner(owner_id)
        if job_id is None
        else subjects.job_status(owner_id, job_id)
    )
    config = ConsumerConfig(
        name=uuid4().hex,
        filter_subject=filter_subject,
        ack_policy=AckPolicy.NONE,
        mem_storage=True,
        num_replicas=1,
        inactive_threshold=ORPHAN_READER_SECONDS,
        deliver_policy=(
            DeliverPolicy.LAST_PER_SUBJECT if after is None else DeliverPolicy.BY_START_SEQUENCE
        ),
        opt_start_seq=None if after is None else after + 1,
    )
    info = await js.add_consumer(STATUS.name, config)
    reader = await js.pull_subscribe_bind(consumer=info.name, stream=STATUS.name)
    try:
        pending = info.num_pending or 0
        while pending:
            try:
                batch = await reader.fetch(min(pending, FETCH_BATCH), FETCH_TIMEOUT_SECONDS)
            except TimeoutError:  # what was pending was purged meanwhile
                return
            for message in batch:
                metadata = message.metadata
                pending = metadata.num_pending or 0
                try:
                    event = JobStatusChangedEvent.model_validate_json(message.data)
                except ValidationError:
                    continue
                if event.owner_id == owner_id:
                    yield metadata.sequence.stream, event
    finally:
        with contextlib.suppress(Exception):
            await reader.unsubscribe()
        with contextlib.suppress(NotFoundError, ConnectionClosedError, TimeoutError):
            await js.delete_consumer(STATUS.name, info.name or "")
