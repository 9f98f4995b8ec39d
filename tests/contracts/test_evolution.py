"""The evolution policy (docs/contracts.md), held by every producer and consumer in Echo.

- What Echo publishes is exactly its contract: each message round-trips through JSON under
  `strict_validation()`, which refuses any key the model does not declare.
- Every consumer in Echo reads a message carrying fields it does not know (a newer
  producer's additions, at the top level and inside nested objects) as the message it knows.
  Each is exercised through the function or adapter the service itself parses with; the
  worker kit's command subscriber is the real FastStream subscriber, fed through
  FastStream's in-memory broker (parsing is all that is checked there; acks need a server).
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

import pytest
from nats.js import JetStreamContext
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import subjects
from contracts.base import ContractModel, strict_validation
from contracts.enums import JobKind
from contracts.events import (
    SCHEMA_VERSION,
    JobCancelCommand,
    JobCancelReason,
    JobCompletedEvent,
    JobProgressEvent,
    JobRequestedCommand,
    JobStatusChangedEvent,
    MetadataResult,
    VideoDeletedEvent,
)
from contracts.live import (
    AuthRefresh,
    AuthRefreshed,
    CloseReason,
    ConnectionClosing,
    JobProgressUpdate,
    JobStatusUpdate,
    LiveMessage,
    SnapshotEnd,
    SnapshotReason,
    SnapshotStart,
    VideoDeleted,
)
from contracts.media import MediaProbe
from contracts.rest import VideoMetadataUpdateRequestSchema
from contracts.schema import contract_models
from services.cli.watch import JobTracker, _receive
from services.common.blobs import LocalBlobStore
from services.common.settings import BlobSettings, BusSettings
from services.common.worker import JobContext, WorkerSettings, worker_app
from services.devstack.servers import NatsServer
from services.gateway.pipeline.projector import _EVENT as PROJECTOR_EVENT
from services.migrate.legacy import _LegacyDispatch
from tests.contracts.test_contracts import VIDEO, _examples, _job_fields, _progress, _status_changed
from tests.support.workers import fresh_consumer, running, stage_upload, terminal_events

UNKNOWN = "added_in_a_later_release"


def _published() -> list[BaseModel]:
    """One instance of each message shape Echo's services publish: bus messages and what
    the notifier sends browsers (and the browser's `auth.refresh`)."""
    cancel = JobCancelCommand(
        kind=JobKind.TRANSCODE,
        reason=JobCancelReason.CANCELLED,
        **_job_fields(),  # type: ignore[arg-type]
    )
    deleted = VideoDeletedEvent(
        video_id=VIDEO, owner_id=uuid4(), job_ids=[cast(Any, _job_fields()["job_id"])]
    )
    now = datetime.now(UTC)
    live: list[BaseModel] = [
        JobStatusUpdate.of(_status_changed(), sequence=7),
        JobProgressUpdate.of(_progress()),
        SnapshotStart(reason=SnapshotReason.CONNECT, sequence=3),
        SnapshotEnd(jobs=1, sequence=3),
        VideoDeleted(video_id=VIDEO, job_ids=deleted.job_ids, sequence=8),
        AuthRefreshed(expires_at=now, sequence=8),
        ConnectionClosing(reason=CloseReason.GOING_AWAY, detail="Reconnect.", sequence=8),
        AuthRefresh(access_token="header.payload.signature"),
    ]
    return [*_examples(), cancel, deleted, *live]


def _with_unknown_fields(value: Any) -> Any:
    """`value` (decoded JSON) with an unknown field added to every object in it."""
    if isinstance(value, dict):
        return {**{k: _with_unknown_fields(v) for k, v in value.items()}, UNKNOWN: {"x": 1}}
    if isinstance(value, list):
        return [_with_unknown_fields(item) for item in value]
    return value


def _newer(message: BaseModel) -> bytes:
    """`message` as a newer producer would send it: every object has an extra field."""
    return json.dumps(_with_unknown_fields(json.loads(message.model_dump_json()))).encode()


def _by_type(kind: type[BaseModel]) -> list[BaseModel]:
    return [message for message in _published() if isinstance(message, kind)]


# Producers: exactly the contract.


@pytest.mark.parametrize("message", _published(), ids=lambda m: type(m).__name__)
def test_every_published_message_round_trips_strictly(message: BaseModel) -> None:
    decoded = type(message).model_validate_json(
        message.model_dump_json(), context=strict_validation()
    )
    assert decoded == message


def test_every_published_message_shape_is_covered() -> None:
    """A new bus or live message must be added to `_published()` (REST schemas are
    answers, checked by the gateway's own tests and its OpenAPI document)."""
    covered = {type(message) for message in _published()}
    messages = {
        model
        for model in contract_models()
        if (
            model.__module__ in {"contracts.events", "contracts.live"}
            and model.__name__.endswith(("Event", "Command", "Update"))
        )
        or model.__module__ == "contracts.live"
    }
    assert messages - covered == set()


def test_strict_validation_refuses_unknown_fields_at_any_depth() -> None:
    command = _by_type(JobRequestedCommand)[0]
    raw = json.loads(command.model_dump_json())
    nested = {**raw, "source": {**raw["source"], "surprise": 1}}
    for payload in ({**raw, "surprise": 1}, nested):
        with pytest.raises(ValidationError, match="surprise"):
            JobRequestedCommand.model_validate(payload, context=strict_validation())
    assert JobRequestedCommand.model_validate(nested) == command


REQUEST_BODIES: frozenset[type[BaseModel]] = frozenset({VideoMetadataUpdateRequestSchema})
"""Read only by the gateway, from a client: an unknown field there is a typo, refused."""


def test_every_message_ignores_unknown_fields_and_request_bodies_refuse_them() -> None:
    models = [model for model in contract_models() if issubclass(model, ContractModel)]
    assert set(models) >= REQUEST_BODIES
    for model in models:
        expected = "forbid" if model in REQUEST_BODIES else "ignore"
        assert model.model_config.get("extra") == expected, model.__name__


def test_producers_write_the_current_schema_version_and_consumers_read_any() -> None:
    command = _by_type(JobRequestedCommand)[0]
    assert json.loads(command.model_dump_json())["schema_version"] == SCHEMA_VERSION
    later = {**json.loads(command.model_dump_json()), "schema_version": SCHEMA_VERSION + 1}
    assert JobRequestedCommand.model_validate(later).schema_version == SCHEMA_VERSION + 1


# Consumers: every parser in Echo reads a newer producer's message.


@pytest.mark.parametrize("message", _published(), ids=lambda m: type(m).__name__)
def test_each_model_reads_a_message_with_unknown_fields(message: BaseModel) -> None:
    assert type(message).model_validate_json(_newer(message)) == message


def test_gateway_projector_reads_state_events_with_unknown_fields() -> None:
    state = [m for m in _examples() if getattr(m, "event_type", "").startswith("job.")]
    state = [m for m in state if m.event_type in {"job.started", "job.completed", "job.failed"}]  # type: ignore[attr-defined]
    assert len(state) == 4
    for event in state:
        assert PROJECTOR_EVENT.validate_json(_newer(event)) == event


def test_notifier_feed_reads_its_events_with_unknown_fields() -> None:
    """The notifier's hub and history parse these three models with `model_validate_json`
    (services/notifier/hub.py `_parse`, services/notifier/history.py)."""
    for model in (JobStatusChangedEvent, JobProgressEvent, VideoDeletedEvent):
        for event in _by_type(model):
            assert model.model_validate_json(_newer(event)) == event


def test_cli_live_parsing_reads_messages_with_unknown_fields() -> None:
    status = _by_type(JobStatusUpdate)[0]
    progress = _by_type(JobProgressUpdate)[0]
    assert isinstance(status, JobStatusUpdate)
    assert isinstance(progress, JobProgressUpdate)
    tracker = JobTracker(job_ids=frozenset({status.job_id}))
    seen: list[BaseModel] = []
    _receive(tracker, _newer(status), seen.append)
    _receive(tracker, _newer(progress), seen.append)
    assert seen == [status, progress]
    assert tracker.sequence == status.sequence
    adapter: TypeAdapter[Any] = TypeAdapter(LiveMessage)
    for message in _published():
        if not isinstance(message, AuthRefresh) and hasattr(message, "sequence"):
            assert adapter.validate_json(_newer(message)) == message


def test_legacy_migrate_parser_reads_uploads_with_unknown_fields() -> None:
    uploaded = _examples()[0]
    dispatch = _LegacyDispatch.model_validate_json(_newer(uploaded))
    assert dispatch.video_id == uploaded.video_id  # type: ignore[attr-defined]
    assert dispatch.source == uploaded.source  # type: ignore[attr-defined]


def test_worker_cancel_parsing_reads_cancels_with_unknown_fields() -> None:
    """services/common/worker/cancel.py reads stored cancels with `model_validate_json`."""
    cancel = _by_type(JobCancelCommand)[0]
    assert JobCancelCommand.model_validate_json(_newer(cancel)) == cancel


async def test_worker_kit_runs_a_command_with_unknown_fields_from_a_real_stream(
    jetstream: JetStreamContext, nats_server: NatsServer, blob_root: Path, sample_not_media: Path
) -> None:
    """The real worker app, bound to its durable consumer on a real nats-server, runs a
    command a newer gateway published with fields this worker does not know."""
    command = stage_upload(LocalBlobStore(blob_root), sample_not_media, JobKind.METADATA)
    seen: list[JobRequestedCommand] = []

    def work(context: JobContext) -> MetadataResult:
        seen.append(context.command)
        return MetadataResult(
            probe=MediaProbe(container_format="mp4", size_bytes=1, stream_count=1)
        )

    settings = WorkerSettings(port=0, ack_wait_seconds=10, max_deliver=2)
    await fresh_consumer(jetstream, command.kind, settings)
    app = worker_app(
        command.kind,
        settings,
        work,
        bus=BusSettings(nats_url=nats_server.url),
        blobs=BlobSettings(blob_root=blob_root),
    )
    async with running(app):
        await jetstream.publish(subjects.job_requested(command.kind), _newer(command))
        events = await terminal_events(jetstream, command.job_id)
    assert seen == [command]
    assert isinstance(events[-1], JobCompletedEvent)
