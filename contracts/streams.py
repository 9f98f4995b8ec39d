"""JetStream streams and durable consumers, as data. Infrastructure declares them.

Retention is by limits (not work-queue) on purpose: two independent durable
consumers read `echo.videos.uploaded`, and events stay replayable for a week.
"""

from enum import StrEnum

from pydantic import Field

from contracts import subjects
from contracts.base import ContractModel

DAY_SECONDS = 24 * 3600


class Retention(StrEnum):
    LIMITS = "limits"
    WORK_QUEUE = "workqueue"
    INTEREST = "interest"


class StreamSpec(ContractModel):
    """A JetStream stream Echo relies on."""

    name: str = Field(description="Stream name.")
    subjects: list[str] = Field(description="Subjects stored by the stream.")
    retention: Retention = Field(default=Retention.LIMITS, description="Retention policy.")
    max_age_seconds: int = Field(description="How long messages are kept.")
    duplicate_window_seconds: int = Field(
        default=600, description="Window in which a repeated `Nats-Msg-Id` is dropped."
    )
    max_msgs_per_subject: int = Field(
        default=-1, description="Messages kept per subject; -1 keeps all within the limits."
    )
    description: str = Field(description="What the stream is for.")


class ConsumerSpec(ContractModel):
    """A durable pull consumer of a stream."""

    durable: str = Field(description="Durable consumer name; every replica binds to it.")
    stream: str = Field(description="Stream it reads.")
    filter_subject: str = Field(description="Subject filter.")


VIDEOS = StreamSpec(
    name="ECHO_VIDEOS",
    subjects=[f"{subjects.PREFIX}.videos.>"],
    max_age_seconds=7 * DAY_SECONDS,
    description="Uploads to process: one VideoUploadedEvent per upload or re-dispatch.",
)

JOBS = StreamSpec(
    name="ECHO_JOBS",
    subjects=[subjects.JOB_EVENTS],
    max_age_seconds=7 * DAY_SECONDS,
    description="What workers report about jobs: started, progress, completed, failed.",
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

ALL_STREAMS = (VIDEOS, JOBS, STATUS, DEAD_LETTERS)

TRANSCODER = ConsumerSpec(
    durable="transcoder", stream=VIDEOS.name, filter_subject=subjects.VIDEO_UPLOADED
)
METADATA = ConsumerSpec(
    durable="metadata", stream=VIDEOS.name, filter_subject=subjects.VIDEO_UPLOADED
)
GATEWAY_PROJECTOR = ConsumerSpec(
    durable="gateway-projector", stream=JOBS.name, filter_subject=subjects.JOB_EVENTS
)
