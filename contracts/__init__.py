"""Echo's contracts: every message, REST schema, subject name and enum. No I/O here.

Names are loaded on first use (PEP 562): `import contracts.enums` alone costs no
pydantic, which keeps a tool such as the probe's command line as quick to start as
`ffprobe`. Type checkers and IDEs read the imports under `TYPE_CHECKING`.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts import streams, subjects
    from contracts.base import ContractModel
    from contracts.enums import JobErrorCode, JobKind, JobPhase, ProcessingStatus, RenditionKind
    from contracts.errors import JobError
    from contracts.events import (
        EventEnvelope,
        JobCancelCommand,
        JobCancelReason,
        JobCompletedEvent,
        JobEvent,
        JobFailedEvent,
        JobMessage,
        JobProgressEvent,
        JobRef,
        JobRequestedCommand,
        JobResult,
        JobStartedEvent,
        JobStateChange,
        JobStatusChangedEvent,
        JobStatusFields,
        MetadataResult,
        TranscodeResult,
        VideoDeletedEvent,
        VideoUploadedEvent,
        WorkerStateEvent,
    )
    from contracts.live import JobProgressUpdate, JobStatusUpdate, LiveUpdate
    from contracts.media import (
        AudioStreamInfo,
        BlobRef,
        ContainerTags,
        FieldOrder,
        HdrFormat,
        InputNotice,
        InputNoticeCode,
        MediaProbe,
        PosterImage,
        Rendition,
        Storyboard,
        SubtitleStreamInfo,
        VideoStreamInfo,
    )
    from contracts.outputs import OutputKind, OutputStatus, TranscodeOutput
    from contracts.problems import ProblemCode
    from contracts.rest import (
        HealthResponseSchema,
        JobAttemptSchema,
        MeResponseSchema,
        PlaybackLinksSchema,
        ProblemDetails,
        RenditionResponseSchema,
        UsageSchema,
        VideoJobListResponseSchema,
        VideoJobResponseSchema,
        VideoJobWithDetailsResponseSchema,
        VideoListResponseSchema,
        VideoMetadataResponseSchema,
        VideoMetadataUpdateRequestSchema,
        VideoResponseSchema,
        VideoSummarySchema,
        VideoUploadResponseSchema,
        VideoWithJobsResponseSchema,
    )

_EXPORTS: dict[str, str] = {
    "streams": "streams",
    "subjects": "subjects",
    "ContractModel": "base",
    "JobErrorCode": "enums",
    "JobKind": "enums",
    "JobPhase": "enums",
    "ProcessingStatus": "enums",
    "RenditionKind": "enums",
    "JobError": "errors",
    "EventEnvelope": "events",
    "JobCancelCommand": "events",
    "JobCancelReason": "events",
    "JobCompletedEvent": "events",
    "JobEvent": "events",
    "JobFailedEvent": "events",
    "JobMessage": "events",
    "JobProgressEvent": "events",
    "JobRef": "events",
    "JobRequestedCommand": "events",
    "JobResult": "events",
    "JobStartedEvent": "events",
    "JobStateChange": "events",
    "JobStatusChangedEvent": "events",
    "JobStatusFields": "events",
    "MetadataResult": "events",
    "TranscodeResult": "events",
    "VideoDeletedEvent": "events",
    "VideoUploadedEvent": "events",
    "WorkerStateEvent": "events",
    "JobProgressUpdate": "live",
    "JobStatusUpdate": "live",
    "LiveUpdate": "live",
    "AudioStreamInfo": "media",
    "BlobRef": "media",
    "ContainerTags": "media",
    "FieldOrder": "media",
    "HdrFormat": "media",
    "InputNotice": "media",
    "InputNoticeCode": "media",
    "MediaProbe": "media",
    "PosterImage": "media",
    "Rendition": "media",
    "Storyboard": "media",
    "SubtitleStreamInfo": "media",
    "VideoStreamInfo": "media",
    "OutputKind": "outputs",
    "OutputStatus": "outputs",
    "TranscodeOutput": "outputs",
    "ProblemCode": "problems",
    "HealthResponseSchema": "rest",
    "JobAttemptSchema": "rest",
    "MeResponseSchema": "rest",
    "PlaybackLinksSchema": "rest",
    "ProblemDetails": "rest",
    "RenditionResponseSchema": "rest",
    "UsageSchema": "rest",
    "VideoJobListResponseSchema": "rest",
    "VideoJobResponseSchema": "rest",
    "VideoJobWithDetailsResponseSchema": "rest",
    "VideoListResponseSchema": "rest",
    "VideoMetadataResponseSchema": "rest",
    "VideoMetadataUpdateRequestSchema": "rest",
    "VideoResponseSchema": "rest",
    "VideoSummarySchema": "rest",
    "VideoUploadResponseSchema": "rest",
    "VideoWithJobsResponseSchema": "rest",
}
"""Each exported name and the module of `contracts` that defines it (a submodule
maps to itself)."""

__all__ = [
    "AudioStreamInfo",
    "BlobRef",
    "ContainerTags",
    "ContractModel",
    "EventEnvelope",
    "FieldOrder",
    "HdrFormat",
    "HealthResponseSchema",
    "InputNotice",
    "InputNoticeCode",
    "JobAttemptSchema",
    "JobCancelCommand",
    "JobCancelReason",
    "JobCompletedEvent",
    "JobError",
    "JobErrorCode",
    "JobEvent",
    "JobFailedEvent",
    "JobKind",
    "JobMessage",
    "JobPhase",
    "JobProgressEvent",
    "JobProgressUpdate",
    "JobRef",
    "JobRequestedCommand",
    "JobResult",
    "JobStartedEvent",
    "JobStateChange",
    "JobStatusChangedEvent",
    "JobStatusFields",
    "JobStatusUpdate",
    "LiveUpdate",
    "MeResponseSchema",
    "MediaProbe",
    "MetadataResult",
    "OutputKind",
    "OutputStatus",
    "PlaybackLinksSchema",
    "PosterImage",
    "ProblemCode",
    "ProblemDetails",
    "ProcessingStatus",
    "Rendition",
    "RenditionKind",
    "RenditionResponseSchema",
    "Storyboard",
    "SubtitleStreamInfo",
    "TranscodeOutput",
    "TranscodeResult",
    "UsageSchema",
    "VideoDeletedEvent",
    "VideoJobListResponseSchema",
    "VideoJobResponseSchema",
    "VideoJobWithDetailsResponseSchema",
    "VideoListResponseSchema",
    "VideoMetadataResponseSchema",
    "VideoMetadataUpdateRequestSchema",
    "VideoResponseSchema",
    "VideoStreamInfo",
    "VideoSummarySchema",
    "VideoUploadResponseSchema",
    "VideoUploadedEvent",
    "VideoWithJobsResponseSchema",
    "WorkerStateEvent",
    "streams",
    "subjects",
]


def __getattr__(name: str) -> object:
    """Import the module defining `name` on first use, then keep the name here."""
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    value = module if module_name == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
