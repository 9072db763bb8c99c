"""DECKCHAT_STORAGE_URL picks the blob store: empty or file:// for a folder, s3:// for a bucket."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.errors import InvalidInput
from deckchat.store.blobs import LocalBlobs
from deckchat.store.s3_blobs import S3Blobs
from deckchat.store.storage import open_blob_store
from tests.conftest import Bucket


def test_the_url_picks_the_home(tmp_path: Path) -> None:
    assert isinstance(open_blob_store("", tmp_path / "b", tmp_path / "c", 0), LocalBlobs)
    there = open_blob_store(f"file://{tmp_path / 'elsewhere'}", tmp_path / "b", tmp_path / "c", 0)
    assert there.put(b"x") and (tmp_path / "elsewhere").is_dir() and not (tmp_path / "b").exists()
    with pytest.raises(InvalidInput) as refused:
        open_blob_store("ftp://host/x", tmp_path / "b", tmp_path / "c", 0)
    assert refused.value.code == "bad_storage_url"


def test_an_s3_url_names_the_bucket_and_the_prefix(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = open_blob_store(f"s3://{s3_bucket.name}/some/prefix/", tmp_path / "b", tmp_path / "c", 0)
    assert isinstance(store, S3Blobs)
    digest = store.put(b"x")
    assert s3_bucket.keys() == {f"some/prefix/{digest[:2]}/{digest}"}
