"""A message on its way to browsers, built and rendered once however many receive it.

A `job.status` carries its own `ECHO_STATUS` sequence. Every other message carries the
sequence of the last status its connection was sent (its resume point), which differs
between connections; its JSON is rendered per resume point and the last rendering kept,
since the connections of one user almost always share it.
"""

from dataclasses import dataclass, field
from typing import NamedTuple
from uuid import UUID

from contracts.live import JobStatusUpdate, ServerMessage


class Frame(NamedTuple):
    """What a transport sends: the message's type, its resume point and its JSON."""

    type: str
    sequence: int
    json: str


@dataclass(eq=False, slots=True)
class Outgoing:
    """One message, with what routing needs to know about it."""

    message: ServerMessage
    video_id: UUID | None = None
    job_id: UUID | None = None
    _rendered: Frame | None = field(default=None, repr=False)

    @property
    def status_sequence(self) -> int | None:
        """The `ECHO_STATUS` sequence of a `job.status`; None for other messages."""
        return self.message.sequence if isinstance(self.message, JobStatusUpdate) else None

    def frame(self, resume_point: int) -> Frame:
        """The message as sent to a connection whose resume point is `resume_point`."""
        sequence = self.status_sequence
        if sequence is None:
            sequence = resume_point
        rendered = self._rendered
        if rendered is None or rendered.sequence != sequence:
            message = self.message
            if message.sequence != sequence:
                message = message.model_copy(update={"sequence": sequence})
            rendered = Frame(message.type, sequence, message.model_dump_json())
            self._rendered = rendered
        return rendered
