"""Blob storage behind one interface: a directory (embedded default) or an S3 bucket.

    store = open_blob_store(BlobSettings())        # ECHO_BLOB_URL picks the backend
    async with store.upload(key) as upload: ...    # streamed, all or nothing
    url = await store.presigned_get_url(key)       # None on disk: serve it yourself

`LocalBlobStore` is the synchronous directory store of before; services move off it
onto `BlobStore` (see docs/blob-storage.md), then it goes.
"""

from services.common.blobs.errors import (
    BlobConfigurationError,
    BlobError,
    BlobNotFoundError,
    BlobTooLargeError,
    BlobUnavailableError,
    InvalidBlobKeyError,
)
from services.common.blobs.factory import open_blob_store
from services.common.blobs.file import FileBlobStore
from services.common.blobs.keys import (
    check_key,
    check_prefix,
    guess_content_type,
    output_key,
    source_key,
    video_prefix,
)
from services.common.blobs.legacy import BlobWriter, LocalBlobStore
from services.common.blobs.s3 import S3BlobStore, S3Options
from services.common.blobs.store import BlobStat, BlobStore, BlobUpload

__all__ = [
    "BlobConfigurationError",
    "BlobError",
    "BlobNotFoundError",
    "BlobStat",
    "BlobStore",
    "BlobTooLargeError",
    "BlobUnavailableError",
    "BlobUpload",
    "BlobWriter",
    "FileBlobStore",
    "InvalidBlobKeyError",
    "LocalBlobStore",
    "S3BlobStore",
    "S3Options",
    "check_key",
    "check_prefix",
    "guess_content_type",
    "open_blob_store",
    "output_key",
    "source_key",
    "video_prefix",
]
