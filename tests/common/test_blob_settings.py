"""ECHO_BLOB_URL picks the backend; ECHO_BLOB_ROOT still works; secrets stay secret."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.common.blobs import (
    BlobConfigurationError,
    FileBlobStore,
    S3BlobStore,
    open_blob_store,
)
from services.common.settings import BlobSettings

S3_ENV = {
    "ECHO_BLOB_URL": "s3://echo-videos/prod/blobs",
    "ECHO_BLOB_S3_ENDPOINT_URL": "https://abcdefgh.supabase.co/storage/v1/s3",
    "ECHO_BLOB_S3_REGION": "eu-central-1",
    "ECHO_BLOB_S3_ACCESS_KEY_ID": "key-id-123",
    "ECHO_BLOB_S3_SECRET_ACCESS_KEY": "very-secret-value",
    "ECHO_BLOB_S3_ADDRESSING_STYLE": "path",
}


@pytest.fixture(autouse=True)
def _no_blob_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ECHO_BLOB_URL", "ECHO_BLOB_ROOT", *S3_ENV):
        monkeypatch.delenv(name, raising=False)


def test_the_default_is_the_embedded_directory() -> None:
    store = open_blob_store(BlobSettings())
    assert isinstance(store, FileBlobStore)
    assert store.root == Path(".echo/blobs").resolve()


def test_a_file_url_names_the_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = tmp_path / "blob store ü"
    monkeypatch.setenv("ECHO_BLOB_URL", root.as_uri())
    settings = BlobSettings()
    assert settings.blob_root == root, "legacy readers of blob_root see the same folder"
    store = open_blob_store(settings)
    assert isinstance(store, FileBlobStore)
    assert store.root == root


def test_the_deprecated_root_still_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ECHO_BLOB_ROOT", str(tmp_path))
    store = open_blob_store(BlobSettings())
    assert isinstance(store, FileBlobStore)
    assert store.url == tmp_path.as_uri()


def test_conflicting_url_and_root_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ECHO_BLOB_ROOT", str(tmp_path / "a"))
    monkeypatch.setenv("ECHO_BLOB_URL", (tmp_path / "b").as_uri())
    with pytest.raises(ValidationError, match="disagree"):
        BlobSettings()


def test_an_s3_url_opens_a_bucket_and_hides_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    settings = BlobSettings()
    store = open_blob_store(settings)
    assert isinstance(store, S3BlobStore)
    assert store.url == "s3://echo-videos/prod/blobs"
    assert store.options.prefix == "prod/blobs"
    assert store.options.addressing_style == "path"
    assert store.options.region == "eu-central-1"
    for text in (repr(settings), str(settings), repr(store), repr(store.options)):
        assert "very-secret-value" not in text
        assert "key-id-123" not in text


@pytest.mark.parametrize(
    "url", ["http://bucket/x", "s3:///no-bucket", "gs://bucket", "s3://bucket/../escape"]
)
def test_bad_urls_are_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("ECHO_BLOB_URL", url)
    with pytest.raises((ValidationError, BlobConfigurationError)):
        open_blob_store(BlobSettings())


def test_half_a_key_pair_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_BLOB_URL", "s3://bucket")
    monkeypatch.setenv("ECHO_BLOB_S3_ACCESS_KEY_ID", "only-the-id")
    with pytest.raises(ValidationError, match="both"):
        BlobSettings()


def test_parts_below_the_s3_minimum_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_BLOB_S3_PART_SIZE_BYTES", str(1024 * 1024))
    with pytest.raises(ValidationError):
        BlobSettings()
