"""Every environment variable Echo reads: the configuration reference's, from the settings."""

from services.devstack.reference import READERS, env_name

AWAITING_S3_CORE = frozenset(
    {
        "ECHO_BLOB_URL",
        "ECHO_BLOB_S3_ENDPOINT_URL",
        "ECHO_BLOB_S3_REGION",
        "ECHO_BLOB_S3_ACCESS_KEY_ID",
        "ECHO_BLOB_S3_SECRET_ACCESS_KEY",
        "ECHO_BLOB_S3_ADDRESSING_STYLE",
        "ECHO_BLOB_SCRATCH_DIR",
    }
)
"""`BlobSettings` of branch `s3-core` (docs/blob-storage.md there); the deployment is
written for them. Remove this set when that branch is merged: they are then known."""


def known_variables() -> set[str]:
    """Every `ECHO_*` variable some settings class reads, plus the S3 ones to come."""
    names = {
        env_name(source, name, field)
        for source in READERS
        for name, field in source.settings.model_fields.items()
    }
    return names | AWAITING_S3_CORE
