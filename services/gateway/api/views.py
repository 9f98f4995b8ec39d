"""Records → REST schemas, by validation, including the download URLs they carry."""

from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from contracts.enums import JobKind, ProcessingStatus
from contracts.events import JobResult, MetadataResult, TranscodeResult
from contracts.media import Rendition
from contracts.rest import (
    PosterSizeSchema,
    RenditionResponseSchema,
    StoryboardSchema,
    VideoJobResponseSchema,
    VideoMetadataResponseSchema,
    VideoResponseSchema,
    VideoSummarySchema,
)
from services.gateway.db.records import JobRecord, MetadataRecord, VideoListRecord, VideoRecord

_RESULT = TypeAdapter[JobResult](JobResult)


class Links:
    """Where the API serves a video's files; absolute when a public base URL is set."""

    def __init__(self, public_base_url: str | None) -> None:
        self._base = (public_base_url or "").rstrip("/")

    def base_or(self, request_base: str) -> str:
        """The public base URL, else the one the request came in on."""
        return self._base or request_base.rstrip("/")

    def media(self, token: str, path: str = "") -> str:
        return f"{self._base}/media/{token}/{path}"

    def poster(self, video_id: UUID) -> str:
        return f"{self._base}/api/videos/{video_id}/poster"

    def rendition(self, video_id: UUID, name: str) -> str:
        return f"{self._base}/api/videos/{video_id}/renditions/{name}"


def video(record: VideoRecord) -> VideoResponseSchema:
    return VideoResponseSchema.model_validate(record, from_attributes=True)


def summary(record: VideoListRecord, links: Links) -> VideoSummarySchema:
    return VideoSummarySchema.model_validate(
        {
            **record.model_dump(exclude={"poster_key"}),
            "poster_url": links.poster(record.id) if record.poster_key else None,
        }
    )


def job(record: JobRecord) -> VideoJobResponseSchema:
    return VideoJobResponseSchema.model_validate(record, from_attributes=True)


def metadata(
    record: MetadataRecord, extracted: MetadataResult | None, links: Links
) -> VideoMetadataResponseSchema:
    """The stored probe, plus the flat fields the schema computes from it, and the poster
    sizes and storyboard layout of the metadata job's result (`extracted`)."""
    board = extracted.storyboard if extracted else None
    return VideoMetadataResponseSchema.model_validate(
        {
            **record.probe.model_dump(),
            "video_id": record.video_id,
            "poster_url": links.poster(record.video_id) if record.poster_key else None,
            "posters": [
                PosterSizeSchema(width=poster.width, height=poster.height)
                for poster in (extracted.posters if extracted else [])
            ],
            "storyboard": StoryboardSchema.model_validate(
                board.model_dump(exclude={"sprite", "vtt"})
            )
            if board
            else None,
            "created_at": record.created_at,
        }
    )


def _result(jobs: list[JobRecord], kind: JobKind) -> JobResult | None:
    for record in jobs:
        if (
            record.kind is kind
            and record.status is ProcessingStatus.COMPLETED
            and record.result is not None
        ):
            try:
                return _RESULT.validate_python(record.result)
            except ValidationError:
                return None  # written by the projector from a valid event; never expected
    return None


def transcode_result_of(jobs: list[JobRecord]) -> TranscodeResult | None:
    """What the completed transcode job among `jobs` produced, if any."""
    result = _result(jobs, JobKind.TRANSCODE)
    return result if isinstance(result, TranscodeResult) else None


def renditions_of(jobs: list[JobRecord]) -> list[Rendition]:
    """The download of the completed transcode job among `jobs`, if any."""
    result = transcode_result_of(jobs)
    return list(result.renditions) if result else []


def metadata_result_of(jobs: list[JobRecord]) -> MetadataResult | None:
    """What the completed metadata job among `jobs` produced, if any."""
    result = _result(jobs, JobKind.METADATA)
    return result if isinstance(result, MetadataResult) else None


def renditions(
    video_id: UUID, outputs: list[Rendition], links: Links
) -> list[RenditionResponseSchema]:
    return [
        RenditionResponseSchema(
            name=output.name, url=links.rendition(video_id, output.name), rendition=output
        )
        for output in outputs
    ]
