"""A message a consumer gives up on leaves a durable dead-letter record."""

import asyncio
import contextlib
import json
import time
import uuid

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import NotFoundError

from contracts import subjects
from contracts.streams import DEAD_LETTERS, VIDEOS


async def test_exhausted_deliveries_are_captured_in_the_dead_letter_stream(
    jetstream: JetStreamContext,
) -> None:
    durable = f"dlq-{uuid.uuid4().hex[:8]}"
    await jetstream.add_consumer(
        VIDEOS.name,
        ConsumerConfig(
            durable_name=durable,
            filter_subject=subjects.VIDEO_UPLOADED,
            ack_policy=AckPolicy.EXPLICIT,
            max_deliver=2,
            ack_wait=5,
        ),
    )
    published = await jetstream.publish(subjects.VIDEO_UPLOADED, b"{}")
    subscription = await jetstream.pull_subscribe_bind(durable, stream=VIDEOS.name)
    for _ in range(2):
        (message,) = await subscription.fetch(1, timeout=5)
        await message.nak()
    # The server gives up when it would redeliver, that is on the next pull.
    with contextlib.suppress(TimeoutError):
        await subscription.fetch(1, timeout=1)
    await subscription.unsubscribe()

    deadline = time.monotonic() + 10
    record = None
    while record is None:
        info = await jetstream.stream_info(DEAD_LETTERS.name)
        for seq in range(max(info.state.first_seq, 1), info.state.last_seq + 1):
            with contextlib.suppress(NotFoundError):
                advisory = json.loads((await jetstream.get_msg(DEAD_LETTERS.name, seq)).data or b"")
                if advisory.get("consumer") == durable:
                    record = advisory
        if record is None:
            assert time.monotonic() < deadline, "no dead-letter advisory was captured"
            await asyncio.sleep(0.1)
    assert record["type"] == "io.nats.jetstream.advisory.v1.max_deliver"
    assert record["stream"] == VIDEOS.name
    assert record["stream_seq"] == published.seq
    await jetstream.delete_consumer(VIDEOS.name, durable)
