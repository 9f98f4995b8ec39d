"""Retiring the dispatch consumers of releases before commands had their own subjects.

Those releases dispatched jobs as `VideoUploadedEvent`s on `echo.videos.uploaded`, read
by durables `transcoder` and `metadata` on `ECHO_VIDEOS`. A dispatch such a consumer
had not acknowledged yet (queued, or interrupted mid-job) becomes a
`JobRequestedCommand` of the same attempt, so an existing data folder loses nothing;
then the old consumer is deleted. Running this again finds nothing to do.
"""

import logging
from uuid import UUID

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic import BaseModel, ConfigDict, ValidationError

from contracts import subjects
from contracts.enums import JobKind
from contracts.events import JobRequestedCommand
from contracts.media import BlobRef
from contracts.streams import VIDEOS
from services.common.bus import MSG_ID_HEADER, command_msg_id

logger = logging.getLogger(__name__)

LEGACY_CONSUMERS: dict[JobKind, str] = {
    JobKind.TRANSCODE: "transcoder",
    JobKind.METADATA: "metadata",
}


class _LegacyJob(BaseModel):
    model_config = ConfigDict(extra="ignore")

    job_id: UUID
    kind: JobKind


class _LegacyDispatch(BaseModel):
    """The fields of an old `VideoUploadedEvent` a command needs."""

    model_config = ConfigDict(extra="ignore")

    video_id: UUID
    owner_id: UUID
    source: BlobRef
    original_filename: str
    jobs: list[_LegacyJob]
    dispatch_attempt: int = 1


async def retire_legacy_dispatch_consumers(js: JetStreamContext) -> int:
    """Convert unacknowledged legacy dispatches to commands, delete the old consumers;
    returns how many commands were published."""
    published = 0
    for kind, durable in LEGACY_CONSUMERS.items():
        try:
            info = await js.consumer_info(VIDEOS.name, durable)
        except NotFoundError:
            continue
        stream = await js.stream_info(VIDEOS.name)
        first = info.ack_floor.stream_seq + 1
        for sequence in range(max(first, stream.state.first_seq), stream.state.last_seq + 1):
            published += await _convert(js, kind, sequence)
        await js.delete_consumer(VIDEOS.name, durable)
        logger.info("retired legacy consumer %s (%d dispatches converted)", durable, published)
    return published


async def _convert(js: JetStreamContext, kind: JobKind, sequence: int) -> int:
    try:
        message = await js.get_msg(VIDEOS.name, sequence)
    except NotFoundError:
        return 0
    if message.subject != subjects.VIDEO_UPLOADED or message.data is None:
        return 0
    try:
        dispatch = _LegacyDispatch.model_validate_json(message.data)
    except ValidationError:
        logger.warning("message %d of %s is not a dispatch; skipped", sequence, VIDEOS.name)
        return 0
    count = 0
    for job in dispatch.jobs:
        if job.kind is not kind:
            continue
        command = JobRequestedCommand(
            video_id=dispatch.video_id,
            owner_id=dispatch.owner_id,
            job_id=job.job_id,
            kind=kind,
            attempt=dispatch.dispatch_attempt,
            source=dispatch.source,
            original_filename=dispatch.original_filename,
        )
        await js.publish(
            subjects.job_requested(kind),
            command.model_dump_json().encode(),
            headers={MSG_ID_HEADER: command_msg_id(job.job_id, dispatch.dispatch_attempt)},
        )
        count += 1
    return count
