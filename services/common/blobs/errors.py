"""The errors of blob storage, one small tree shared by every backend."""


class BlobError(Exception):
    """Base of blob storage errors."""


class BlobNotFoundError(BlobError):
    """No blob under that key."""


class InvalidBlobKeyError(BlobError):
    """A key that would escape the store's root or is otherwise malformed."""


class BlobTooLargeError(BlobError):
    """A blob is larger than the caller allowed (a scratch copy's bound, for example)."""


class BlobUnavailableError(BlobError):
    """The storage could not be reached or refused the request; trying again may help."""


class BlobConfigurationError(BlobError):
    """The blob settings do not describe a usable store (bad URL, missing bucket)."""
