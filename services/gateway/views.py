"""Records → REST schemas, including the authenticated download URLs they carry."""

from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobResult, TranscodeResult
from contracts.media import MediaProbe, Rendition
from contracts.rest import (
    RenditionResponseSchema,
    VideoJobResponseSchema,
    VideoMetadataResponseSchema,
    VideoResponseSchema,
    VideoSummarySchema,
)
from services.gateway.repository import JobRecord, MetadataRecord, VideoListRecord, VideoRecord

_RESULT = TypeAdapter[JobResult](JobResult)


class Links:
    """Where the API serves a video's files; absolute when a public base URL is set."""

    def __init__(self, public_base_url: str | None) -> None:
        self._base = (public_base_url or "").rstrip("/")

    def poster(self, video_id: UUID) -> str:
        return f"{self._base}/api/videos/{video_id}/poster"

    def rendition(self, video_id: UUID, name: str) -> str:
        return f"{self._base}/api/videos/{video_id}/renditions/{name}"


def video(record: VideoRecord) -> VideoResponseSchema:
    return VideoResponseSchema.model_validate(record, from_attributes=True)


def summary(record: VideoListRecord, links: Links) -> VideoSummarySchema:
    return VideoSummarySchema(
        id=record.id,
        title=record.title,
        status=record.status,
        duration_seconds=record.duration_seconds,
        poster_url=links.poster(record.id) if record.poster_key else None,
        created_at=record.created_at,
    )


def job(record: JobRecord) -> VideoJobResponseSchema:
    return VideoJobResponseSchema.model_validate(record, from_attributes=True)


def metadata(record: MetadataRecord, links: Links) -> VideoMetadataResponseSchema:
    probe = MediaProbe.model_validate(record.probe)
    return VideoMetadataResponseSchema(
        video_id=record.video_id,
        container_format=record.container_format,
        duration_seconds=record.duration_seconds,
        size_bytes=record.size_bytes,
        bit_rate=record.bit_rate,
        video_codec=record.video_codec,
        width=record.width,
        height=record.height,
        frame_rate=record.frame_rate,
        audio_codec=record.audio_codec,
        audio_channels=record.audio_channels,
        audio_sample_rate=record.audio_sample_rate,
        video=probe.video,
        audio=probe.audio,
        poster_url=links.poster(record.video_id) if record.poster_key else None,
        created_at=record.created_at,
    )


def renditions_of(jobs: list[JobRecord]) -> list[Rendition]:
    """The outputs of the completed transcode job among `jobs`, if any."""
    for record in jobs:
        if (
            record.kind is JobKind.TRANSCODE
            and record.status is ProcessingStatus.COMPLETED
            and record.result is not None
        ):
            try:
                result = _RESULT.validate_python(record.result)
            except ValidationError:
                return []  # written by the projector from a valid event; never expected
            if isinstance(result, TranscodeResult):
                return list(result.renditions)
    return []


def renditions(
    video_id: UUID, outputs: list[Rendition], links: Links
) -> list[RenditionResponseSchema]:
    return [
        RenditionResponseSchema(
            name=output.name, url=links.rendition(video_id, output.name), rendition=output
        )
        for output in outputs
    ]
