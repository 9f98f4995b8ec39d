"""JetStream streams and durable consumers, as data. `python -m services.migrate` declares them.

Retention is by limits (not work-queue) on purpose: a message a consumer gave up on
stays in its stream for inspection and replay, and facts stay replayable for a week.
"""

from enum import StrEnum

from pydantic import Field

from contracts import subjects
from contracts.base import ContractModel
from contracts.enums import JobKind

DAY_SECONDS = 24 * 3600


class Retention(StrEnum):
    LIMITS = "limits"
    WORK_QUEUE = "workqueue"
    INTEREST = "interest"


class Storage(StrEnum):
    FILE = "file"
    MEMORY = "memory"


class StreamSpec(ContractModel):
    """A JetStream stream Echo relies on."""

    name: str = Field(description="Stream name.")
    subjects: list[str] = Field(description="Subjects stored by the stream.")
    retention: Retention = Field(default=Retention.LIMITS, description="Retention policy.")
    storage: Storage = Field(default=Storage.FILE, description="Where the server keeps it.")
    max_age_seconds: int = Field(description="How long messages are kept.")
    duplicate_window_seconds: int = Field(
        default=600, description="Window in which a repeated `Nats-Msg-Id` is dropped."
    )
    max_msgs_per_subject: int = Field(
        default=-1, description="Messages kept per subject; -1 keeps all within the limits."
    )
    description: str = Field(description="What the stream is for.")


class ConsumerSpec(ContractModel):
    """A durable pull consumer of a stream: its identity. Tuning is the owner's setting."""

    durable: str = Field(description="Durable consumer name; every replica binds to it.")
    stream: str = Field(description="Stream it reads.")
    filter_subjects: list[str] = Field(min_length=1, description="Subjects it receives.")


VIDEOS = StreamSpec(
    name="ECHO_VIDEOS",
    subjects=[subjects.VIDEO_EVENTS],
    max_age_seconds=7 * DAY_SECONDS,
    description="Facts about videos for any subscriber (VideoUploadedEvent).",
)

JOBS = StreamSpec(
    name="ECHO_JOBS",
    subjects=[subjects.JOBS],
    max_age_seconds=7 * DAY_SECONDS,
    description="Job commands (echo.jobs.<kind>.requested, one per job and attempt) and "
    "the state events workers report (started, completed, failed).",
)

PROGRESS = StreamSpec(
    name="ECHO_PROGRESS",
    subjects=[subjects.PROGRESS],
    max_age_seconds=3600,
    duplicate_window_seconds=60,
    max_msgs_per_subject=1,
    description="The latest progress of each running job, kept briefly; never projected "
    "into Postgres per tick. On file storage, though tiny, because a memory stream does not "
    "survive a server restart and every progress publish would then fail.",
)

STATUS = StreamSpec(
    name="ECHO_STATUS",
    subjects=[subjects.JOB_STATUS],
    max_age_seconds=7 * DAY_SECONDS,
    duplicate_window_seconds=120,
    max_msgs_per_subject=1,
    description="The latest recorded status of every job, one message per job: "
    "a client that (re)connects reads current state, then live changes.",
)

_ADVISORY = "$JS.EVENT.ADVISORY.CONSUMER"

DEAD_LETTERS = StreamSpec(
    name="ECHO_DEAD_LETTERS",
    subjects=[
        f"{_ADVISORY}.{advisory}.{stream.name}.*"
        for advisory in ("MAX_DELIVERIES", "MSG_TERMINATED")
        for stream in (VIDEOS, JOBS)
    ],
    max_age_seconds=30 * DAY_SECONDS,
    description="JetStream's advisories for messages a durable consumer gave up on "
    "(deliveries exhausted, or terminated). Each names the stream and `stream_seq` of "
    "the message, which stays in its stream for inspection. The server sends these "
    "only to listeners present at that instant, so they are captured here.",
)

ALL_STREAMS = (VIDEOS, JOBS, PROGRESS, STATUS, DEAD_LETTERS)

WORKERS: dict[JobKind, ConsumerSpec] = {
    JobKind.TRANSCODE: ConsumerSpec(
        durable="transcoder",
        stream=JOBS.name,
        filter_subjects=[subjects.job_requested(JobKind.TRANSCODE)],
    ),
    JobKind.METADATA: ConsumerSpec(
        durable="metadata",
        stream=JOBS.name,
        filter_subjects=[subjects.job_requested(JobKind.METADATA)],
    ),
}
"""The one consumer of each kind's commands; every replica of that worker binds to it.

Public on purpose: the reconciler reads a kind's queue depth (commands not yet delivered
to any worker, `num_pending`) from this consumer to tell a job queued behind busy workers
from a lost one.
"""

PROJECTOR = ConsumerSpec(
    durable="gateway-projector",
    stream=JOBS.name,
    filter_subjects=list(subjects.JOB_STATE_EVENTS),
)
"""The gateway's projector of state events into Postgres."""

ALL_CONSUMERS = (*WORKERS.values(), PROJECTOR)
