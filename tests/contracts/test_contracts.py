"""Contracts: JSON round-trips, strictness, subjects, live updates and their JSON Schema.

That the committed schemas are current is checked with every generated artefact, in
`test_generated.py`.
"""

import json
import uuid

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import (
    BlobRef,
    JobCompletedEvent,
    JobError,
    JobErrorCode,
    JobFailedEvent,
    JobKind,
    JobProgressEvent,
    JobProgressUpdate,
    JobRef,
    JobRequestedCommand,
    JobStartedEvent,
    JobStatusChangedEvent,
    JobStatusUpdate,
    LiveUpdate,
    MediaProbe,
    MetadataResult,
    ProcessingStatus,
    Rendition,
    RenditionKind,
    TranscodeResult,
    VideoMetadataUpdateRequestSchema,
    VideoStreamInfo,
    VideoUploadedEvent,
    WorkerStateEvent,
    streams,
    subjects,
)
from contracts.base import strict_validation
from contracts.schema import json_schemas

OWNER = uuid.UUID("00000000-0000-4000-8000-000000000001")
VIDEO = uuid.UUID("00000000-0000-4000-8000-000000000002")
JOB = uuid.UUID("00000000-0000-4000-8000-000000000003")


def _job_fields() -> dict[str, object]:
    return {"video_id": VIDEO, "owner_id": OWNER, "job_id": JOB, "attempt": 1}


def _examples() -> list[BaseModel]:
    source = BlobRef(key=f"videos/{OWNER}/{VIDEO}/source", size_bytes=10, sha256="ab" * 32)
    rendition = Rendition(
        name="mp4-720p",
        kind=RenditionKind.VIDEO,
        file=BlobRef(key="videos/x/out.mp4", size_bytes=5),
        container="mp4",
        video_codec="h264",
        audio_codec="aac",
        width=1280,
        height=720,
        duration_seconds=2.0,
    )
    probe = MediaProbe(
        container_format="mov,mp4,m4a,3gp,3g2,mj2",
        duration_seconds=2.0,
        size_bytes=10,
        video=VideoStreamInfo(
            index=0, codec="h264", width=320, height=240, display_width=320, display_height=240
        ),
        stream_count=1,
    )
    return [
        VideoUploadedEvent(
            video_id=VIDEO,
            owner_id=OWNER,
            source=source,
            original_filename="clip.mp4",
            jobs=[JobRef(job_id=JOB, kind=JobKind.TRANSCODE)],
        ),
        JobRequestedCommand(
            kind=JobKind.TRANSCODE,
            source=source,
            original_filename="clip.mp4",
            **_job_fields(),  # type: ignore[arg-type]
        ),
        JobStartedEvent(kind=JobKind.TRANSCODE, **_job_fields()),  # type: ignore[arg-type]
        JobCompletedEvent(
            kind=JobKind.TRANSCODE,
            result=TranscodeResult(renditions=[rendition]),
            **_job_fields(),  # type: ignore[arg-type]
        ),
        JobCompletedEvent(
            kind=JobKind.METADATA,
            result=MetadataResult(probe=probe, poster=None),
            **_job_fields(),  # type: ignore[arg-type]
        ),
        JobFailedEvent(
            kind=JobKind.METADATA,
            error=JobError(code=JobErrorCode.NOT_MEDIA, message="Not a video.", retriable=False),
            **_job_fields(),  # type: ignore[arg-type]
        ),
        _progress(),
        JobStatusChangedEvent(
            video_id=VIDEO,
            owner_id=OWNER,
            job_id=JOB,
            kind=JobKind.TRANSCODE,
            status=ProcessingStatus.PROCESSING,
            progress=10,
            version=2,
            video_status=ProcessingStatus.PROCESSING,
        ),
    ]


def _progress(progress: float = 42.5) -> JobProgressEvent:
    return JobProgressEvent(
        kind=JobKind.TRANSCODE,
        progress=progress,
        eta_seconds=3,
        **_job_fields(),  # type: ignore[arg-type]
    )


def _status_changed() -> JobStatusChangedEvent:
    event = _examples()[-1]
    assert isinstance(event, JobStatusChangedEvent)
    return event


@pytest.mark.parametrize("event", _examples(), ids=lambda e: type(e).__name__)
def test_every_event_round_trips_through_json(event: BaseModel) -> None:
    decoded = type(event).model_validate_json(event.model_dump_json())
    assert decoded == event


def test_worker_state_events_parse_by_their_event_type() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(WorkerStateEvent)
    state_events = [
        e
        for e in _examples()
        if isinstance(e, JobStartedEvent | JobCompletedEvent | JobFailedEvent)
    ]
    assert len(state_events) == 4
    for event in state_events:
        parsed = adapter.validate_json(event.model_dump_json())
        assert type(parsed) is type(event)
        assert parsed == event


def test_live_updates_are_derived_from_their_events_and_parse_by_type() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(LiveUpdate)
    status = JobStatusUpdate.of(_status_changed())
    progress = JobProgressUpdate.of(_progress())
    assert (status.type, status.version, status.progress) == ("job.status", 2, 10)
    assert (progress.type, progress.progress, progress.eta_seconds) == ("job.progress", 42.5, 3)
    assert progress.status is ProcessingStatus.PROCESSING
    for update in (status, progress):
        assert adapter.validate_json(update.model_dump_json()) == update


def test_job_results_parse_by_kind() -> None:
    completed = _examples()[4]
    assert isinstance(completed, JobCompletedEvent)
    parsed = JobCompletedEvent.model_validate_json(completed.model_dump_json())
    assert isinstance(parsed.result, MetadataResult)


def test_unknown_fields_are_ignored_and_refused_only_in_strict_validation() -> None:
    """Consumers ignore what they do not know (docs/contracts.md); producers' checks
    validate strictly (more in test_evolution.py)."""
    started = _examples()[2]
    payload = {**json.loads(started.model_dump_json()), "surprise": 1}
    assert JobStartedEvent.model_validate(payload) == started
    with pytest.raises(ValidationError, match="surprise"):
        JobStartedEvent.model_validate(payload, context=strict_validation())


def test_progress_is_bounded() -> None:
    with pytest.raises(ValidationError):
        _progress(101)


def test_metadata_update_rejects_empty_title() -> None:
    with pytest.raises(ValidationError):
        VideoMetadataUpdateRequestSchema(title="")


def test_terminal_statuses() -> None:
    assert {s for s in ProcessingStatus if s.is_terminal} == {
        ProcessingStatus.COMPLETED,
        ProcessingStatus.FAILED,
    }


def test_subjects_fall_inside_their_streams() -> None:
    completed = subjects.job_event(JobKind.METADATA, subjects.JobStateEvent.COMPLETED)
    assert completed == "echo.jobs.metadata.completed"
    assert subjects.job_requested(JobKind.TRANSCODE) == "echo.jobs.transcode.requested"
    assert subjects.job_progress(OWNER, JOB) == f"echo.progress.{OWNER}.{JOB}"
    assert subjects.job_status(OWNER, JOB) == f"echo.status.{OWNER}.{JOB}"
    assert subjects.job_status_of_owner(OWNER) == f"echo.status.{OWNER}.>"
    assert len({spec.name for spec in streams.ALL_STREAMS}) == len(streams.ALL_STREAMS)


def test_each_kind_has_one_worker_consumer_of_its_own_commands() -> None:
    assert set(streams.WORKERS) == set(JobKind)
    for kind, consumer in streams.WORKERS.items():
        assert consumer.stream == streams.JOBS.name
        assert consumer.filter_subjects == [subjects.job_requested(kind)]
    assert streams.PROJECTOR.stream == streams.JOBS.name
    assert subjects.job_requested(JobKind.TRANSCODE) not in streams.PROJECTOR.filter_subjects
    durables = [consumer.durable for consumer in streams.ALL_CONSUMERS]
    assert len(set(durables)) == len(durables)


def test_every_contract_field_is_described() -> None:
    for name, schema in json_schemas().items():
        definitions = [schema, *schema.get("$defs", {}).values()]
        for definition in definitions:
            for field_name, field_schema in definition.get("properties", {}).items():
                assert "description" in field_schema or "$ref" in field_schema, (
                    f"{name}: {definition.get('title')}.{field_name} has no description"
                )
