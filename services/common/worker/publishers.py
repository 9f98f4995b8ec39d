"""The publishers of a worker's messages, declared once on its router (AsyncAPI sees them).

State events go to `ECHO_JOBS` on `echo.jobs.<kind>.<started|completed|failed>`;
progress goes to `ECHO_PROGRESS` on `echo.progress.<owner_id>.<job_id>`.
"""

from dataclasses import dataclass

from faststream.nats import NatsRouter
from faststream.nats.publisher.usecase import LogicPublisher

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobCompletedEvent, JobFailedEvent, JobProgressEvent, JobStartedEvent
from contracts.streams import JOBS, PROGRESS
from contracts.subjects import JobStateEvent
from services.common.bus import bound_stream

PROGRESS_SUBJECT = subjects.PROGRESS.removesuffix(">") + "{owner_id}.{job_id}"
"""`echo.progress.<owner_id>.<job_id>` as a subject template (filled in at publish)."""


@dataclass(frozen=True)
class JobPublishers:
    started: LogicPublisher
    completed: LogicPublisher
    failed: LogicPublisher
    progress: LogicPublisher

    def of_state(self, name: JobStateEvent) -> LogicPublisher:
        return {
            JobStateEvent.STARTED: self.started,
            JobStateEvent.COMPLETED: self.completed,
            JobStateEvent.FAILED: self.failed,
        }[name]


def declare_publishers(router: NatsRouter, kind: JobKind) -> JobPublishers:
    jobs = bound_stream(JOBS)

    def state(name: JobStateEvent, schema: type, description: str) -> LogicPublisher:
        return router.publisher(
            subjects.job_event(kind, name), stream=jobs, schema=schema, description=description
        )

    return JobPublishers(
        started=state(JobStateEvent.STARTED, JobStartedEvent, f"A {kind} job began."),
        completed=state(
            JobStateEvent.COMPLETED, JobCompletedEvent, f"A {kind} job finished; outputs written."
        ),
        failed=state(JobStateEvent.FAILED, JobFailedEvent, f"A {kind} job ended without output."),
        progress=router.publisher(
            PROGRESS_SUBJECT,
            stream=bound_stream(PROGRESS),
            schema=JobProgressEvent,
            description=f"A running {kind} job's progress, at most one per progress interval; "
            "the stream keeps only the latest per job.",
        ),
    )
