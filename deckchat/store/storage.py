"""The blob store that DECKCHAT_STORAGE_URL names."""

from __future__ import annotations

from pathlib import Path

from deckchat.core.errors import InvalidInput
from deckchat.store.blobs import BlobStore, LocalBlobs


def open_blob_store(url: str, blob_dir: Path, cache_dir: Path, cache_bytes: int) -> BlobStore:
    """The store DECKCHAT_STORAGE_URL names: empty for ``blob_dir``, ``file:///PATH`` or ``s3://BUCKET/PREFIX``."""
    if not url:
        return LocalBlobs(blob_dir)
    if url.startswith("file://"):
        return LocalBlobs(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        from deckchat.store.s3_blobs import S3Blobs  # boto3 loads only where a bucket is used

        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        return S3Blobs(bucket, prefix, cache_dir, cache_bytes)
    raise InvalidInput(
        f"DECKCHAT_STORAGE_URL must be file://PATH or s3://BUCKET/PREFIX, not {url!r}.",
        code="bad_storage_url",
    )
