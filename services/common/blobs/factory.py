"""Build the one blob store the settings name (`ECHO_BLOB_URL`)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.common.blobs.errors import BlobConfigurationError, InvalidBlobKeyError
from services.common.blobs.file import FileBlobStore
from services.common.blobs.keys import check_prefix
from services.common.blobs.s3 import S3BlobStore, S3Options
from services.common.blobs.store import BlobStore
from services.common.settings import BlobSettings


def open_blob_store(settings: BlobSettings) -> BlobStore:
    """`FileBlobStore` for `file://`, `S3BlobStore` for `s3://bucket/prefix`."""
    url = urlsplit(settings.location)
    if url.scheme == "file":
        return FileBlobStore(Path(settings.blob_root))
    if url.scheme == "s3":
        return S3BlobStore(s3_options(settings))
    raise BlobConfigurationError(f"unsupported blob storage URL scheme {url.scheme!r}")


def s3_options(settings: BlobSettings) -> S3Options:
    url = urlsplit(settings.location)
    prefix = unquote(url.path).strip("/")
    if prefix:
        try:
            check_prefix(prefix)
        except InvalidBlobKeyError as error:
            raise BlobConfigurationError(f"invalid prefix in {settings.location!r}") from error

    def secret(value: object) -> str | None:
        return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]

    return S3Options(
        bucket=url.netloc,
        prefix=prefix,
        endpoint_url=settings.blob_s3_endpoint_url,
        region=settings.blob_s3_region,
        access_key_id=secret(settings.blob_s3_access_key_id),
        secret_access_key=secret(settings.blob_s3_secret_access_key),
        session_token=secret(settings.blob_s3_session_token),
        addressing_style=settings.blob_s3_addressing_style,
        part_size=settings.blob_s3_part_size_bytes,
        upload_concurrency=settings.blob_s3_upload_concurrency,
        presign_expiry=timedelta(seconds=settings.blob_presign_expiry_seconds),
        scratch_dir=settings.blob_scratch_dir,
    )
