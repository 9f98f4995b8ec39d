"""Cancelled jobs: heard live by every replica, and looked up before a job starts or ends.

The gateway publishes a `JobCancelCommand` on `echo.jobs.<kind>.cancel.<job_id>` into
`ECHO_JOBS` when a job is cancelled or its video deleted. Two ways reach a worker:

- live: every replica subscribes to its kind's cancels on core NATS (no consumer, no
  durable state); the replica running the job sets its cancellation flag, which its
  work reads at its next `check_cancelled()`;
- stored: the last message on the job's cancel subject, read before a job starts,
  while it runs (in case the live message was missed during a reconnect), and again
  before its outputs are made visible.

A cancel covers the attempts up to its own `attempt`, so a retry dispatched after it
(a higher attempt) runs normally.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic import ValidationError

from contracts import subjects
from contracts.events import JobCancelCommand, JobCancelReason, JobRequestedCommand
from contracts.streams import JOBS

logger = logging.getLogger(__name__)


def applies(cancel: JobCancelCommand, command: JobRequestedCommand) -> bool:
    """Whether `cancel` stops `command`: same job, and not a later retry of it."""
    return cancel.job_id == command.job_id and command.attempt <= cancel.attempt


async def stored_cancel(
    js: JetStreamContext, command: JobRequestedCommand
) -> JobCancelCommand | None:
    """The cancel stored for `command`'s job that applies to this attempt, if any."""
    try:
        message = await js.get_last_msg(
            JOBS.name, subjects.job_cancel(command.kind, command.job_id)
        )
    except NotFoundError:
        return None
    try:
        cancel = JobCancelCommand.model_validate_json(message.data or b"")
    except ValidationError:
        logger.error("malformed cancel command ignored: %r", message.data)
        return None
    return cancel if applies(cancel, command) else None


@dataclass
class Cancellation:
    """One running delivery's cancellation: the work's flag, and why it was raised."""

    command: JobRequestedCommand
    flag: threading.Event = field(default_factory=threading.Event)
    reason: JobCancelReason | None = None

    @property
    def cancelled(self) -> bool:
        return self.reason is not None

    def cancel(self, reason: JobCancelReason) -> None:
        if self.reason is None:
            logger.warning("job cancelled (%s): stopping it", reason)
            self.reason = reason
        self.flag.set()


class RunningJobs:
    """The jobs this replica runs now, by id, so a live cancel finds its job."""

    def __init__(self) -> None:
        self._jobs: dict[UUID, Cancellation] = {}

    @contextlib.contextmanager
    def tracking(self, cancellation: Cancellation) -> Iterator[Cancellation]:
        job_id = cancellation.command.job_id
        self._jobs[job_id] = cancellation
        try:
            yield cancellation
        finally:
            if self._jobs.get(job_id) is cancellation:
                del self._jobs[job_id]

    def apply(self, cancel: JobCancelCommand) -> bool:
        """Cancel the job `cancel` names if this replica runs it; whether it did."""
        running = self._jobs.get(cancel.job_id)
        if running is None or not applies(cancel, running.command):
            return False
        running.cancel(cancel.reason)
        return True
