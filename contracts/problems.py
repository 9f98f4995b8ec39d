"""The one set of problem codes every HTTP service answers with (RFC 9457 `code`)."""

from enum import StrEnum


class ProblemCode(StrEnum):
    """Why a request failed, in words a program can branch on; the same across services."""

    NOT_AUTHENTICATED = "not_authenticated"
    """No access token was sent."""
    INVALID_TOKEN = "invalid_token"  # noqa: S105 (a code, not a secret)
    """The access token is malformed, badly signed, or not for this audience."""
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    """The access token has expired; sign in again (or refresh it)."""
    INVALID_REQUEST = "invalid_request"
    """A parameter or body field is not valid; `errors` lists each one."""
    MALFORMED_UPLOAD = "malformed_upload"
    """The upload's body could not be read as the declared format."""
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    """The request's `Content-Type` is not one the route accepts."""
    UPLOAD_TOO_LARGE = "upload_too_large"
    """The upload is over the size limit."""
    NOT_FOUND = "not_found"
    """No such route."""
    METHOD_NOT_ALLOWED = "method_not_allowed"
    """The route exists but not with this method."""
    VIDEO_NOT_FOUND = "video_not_found"
    """No video with this id is yours."""
    JOB_NOT_FOUND = "job_not_found"
    """No job with this id is yours."""
    RENDITION_NOT_FOUND = "rendition_not_found"
    """The video has no such finished output."""
    POSTER_NOT_FOUND = "poster_not_found"
    """The video has no poster (yet, or it is audio only)."""
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable"
    """The requested byte range lies outside the file."""
    DATABASE_UNAVAILABLE = "database_unavailable"
    """Postgres does not answer; retry after `Retry-After`."""
    BUS_UNAVAILABLE = "bus_unavailable"
    """NATS does not answer; retry after `Retry-After`."""
    NOT_READY = "not_ready"
    """The service is starting or stopping."""
    INTERNAL_ERROR = "internal_error"
    """An unexpected error inside Echo."""
