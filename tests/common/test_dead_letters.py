"""A command a consumer gives up on leaves a durable dead-letter record."""

import contextlib
import json
import uuid

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig

from contracts import subjects
from contracts.enums import JobKind
from contracts.streams import DEAD_LETTERS, JOBS
from tests.support.bus import eventually, stream_messages


async def test_exhausted_deliveries_are_captured_in_the_dead_letter_stream(
    jetstream: JetStreamContext,
) -> None:
    durable = f"dlq-{uuid.uuid4().hex[:8]}"
    command_subject = subjects.job_requested(JobKind.METADATA)
    await jetstream.add_consumer(
        JOBS.name,
        ConsumerConfig(
            durable_name=durable,
            filter_subject=command_subject,
            ack_policy=AckPolicy.EXPLICIT,
            max_deliver=2,
            ack_wait=5,
        ),
    )
    published = await jetstream.publish(command_subject, b"{}")
    subscription = await jetstream.pull_subscribe_bind(durable, stream=JOBS.name)
    for _ in range(2):
        (message,) = await subscription.fetch(1, timeout=5)
        await message.nak()
    # The server gives up when it would redeliver, that is on the next pull.
    with contextlib.suppress(TimeoutError):
        await subscription.fetch(1, timeout=1)
    await subscription.unsubscribe()

    async def captured() -> dict[str, object] | None:
        for message in await stream_messages(jetstream, DEAD_LETTERS.name):
            advisory: dict[str, object] = json.loads(message.data or b"")
            if advisory.get("consumer") == durable:
                return advisory
        return None

    record = await eventually(captured, what="a dead-letter advisory")
    assert record["type"] == "io.nats.jetstream.advisory.v1.max_deliver"
    assert record["stream"] == JOBS.name
    assert record["stream_seq"] == published.seq
    await jetstream.delete_consumer(JOBS.name, durable)
