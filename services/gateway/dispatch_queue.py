"""How far each worker has got through the dispatches in stream ECHO_VIDEOS.

A `pending` job whose dispatch lies beyond its worker consumer's delivered
position is queued behind other work, not lost: the reconciler leaves it alone.
"""

import logging

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.enums import JobKind
from contracts.streams import METADATA, TRANSCODER, ConsumerSpec

logger = logging.getLogger(__name__)

WORKER_CONSUMERS: dict[JobKind, ConsumerSpec] = {
    JobKind.TRANSCODE: TRANSCODER,
    JobKind.METADATA: METADATA,
}


class DispatchQueue:
    """Reads the worker consumers' positions; attach JetStream once connected."""

    def __init__(self) -> None:
        self._js: JetStreamContext | None = None

    def attach(self, js: JetStreamContext) -> None:
        self._js = js

    async def delivered_positions(self) -> dict[JobKind, int]:
        """The last stream sequence each worker kind has been handed (0: nothing yet).

        A kind whose position cannot be read now is left out, so its jobs are
        reconciled on deadlines alone.
        """
        positions: dict[JobKind, int] = {}
        if self._js is None:
            return positions
        for kind, spec in WORKER_CONSUMERS.items():
            try:
                info = await self._js.consumer_info(spec.stream, spec.durable)
            except NotFoundError:
                positions[kind] = 0  # no worker has ever started: everything is queued
                continue
            except Exception:  # a bus hiccup must not stop the reconciler
                logger.warning("position of consumer %s unknown", spec.durable, exc_info=True)
                continue
            positions[kind] = info.delivered.stream_seq
        return positions
