"""What a job's work function gets, and what it may raise to stop early.

The work is a plain sync function (PyAV holds the CPU) that the runner calls in a
thread of its own; everything it needs is on its `JobContext`. It writes its outputs
through `JobContext.outputs`, which stages them: the kit makes them visible only once
the job is known not to be cancelled.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.enums import JobPhase
from contracts.events import JobRequestedCommand, JobResult
from services.common.blobs import LocalBlobStore
from services.common.media import MediaLimits
from services.common.worker.outputs import StagedOutputs

ProgressReporter = Callable[[float, float | None, JobPhase | None], None]
"""Receives `(percent, eta_seconds, phase)`; `phase` is None when it did not change."""


def _ignore_progress(percent: float, eta_seconds: float | None, phase: JobPhase | None) -> None:
    del percent, eta_seconds, phase


class JobCancelledError(Exception):
    """The job must stop: the worker is shutting down (the job is handed back to
    JetStream for another replica), or the job was cancelled (it ends with no output)."""


@dataclass(frozen=True)
class JobContext:
    """One delivery of one job's command, as its work function sees it."""

    command: JobRequestedCommand
    store: LocalBlobStore
    limits: MediaLimits
    delivery: int = 1
    """JetStream's delivery count of the command (1 unless it was redelivered)."""
    cancelled: threading.Event = field(default_factory=threading.Event)
    reporter: ProgressReporter = field(default=_ignore_progress, repr=False)
    deferred_outputs: bool = False
    """Set by the kit: outputs stay staged until it commits them after a last look for a
    cancel. Left unset (a work function called on its own), each output is put in place
    as soon as it is written."""
    outputs: StagedOutputs = field(init=False, repr=False)
    """Where the work writes its outputs."""

    def __post_init__(self) -> None:
        # Frozen: the outputs are bound once, to this context's store, job and flag.
        outputs = StagedOutputs(
            self.store, self.command, self.check_cancelled, deferred=self.deferred_outputs
        )
        object.__setattr__(self, "outputs", outputs)

    @property
    def source_path(self) -> Path:
        """Where the upload is in blob storage (raises `InvalidBlobKeyError` for a bad key)."""
        return self.store.path(self.command.source.key)

    def report_progress(
        self, percent: float, eta_seconds: float | None = None, *, phase: JobPhase | None = None
    ) -> None:
        """Thread-safe; call as often as convenient: the runner throttles what it publishes.

        `phase` is what the job is doing from now on; leave it out to keep the last one.
        """
        self.reporter(max(0.0, min(100.0, percent)), eta_seconds, phase)

    def check_cancelled(self) -> None:
        """Stop early when the job was cancelled or the worker is shutting down (raises
        `JobCancelledError`); call it between frames or steps."""
        if self.cancelled.is_set():
            raise JobCancelledError


JobWork = Callable[[JobContext], JobResult]
"""A worker's job: the command's outputs, or `MediaError` when the input cannot be used."""
