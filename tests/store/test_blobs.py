"""The blob store's contract, held by both homes: a folder on disk and an S3-compatible bucket."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from deckchat.store.blobs import BlobStore, LocalBlobs
from deckchat.store.s3_blobs import S3Blobs
from deckchat.store.storage import open_blob_store

CACHE_BYTES = 64 * 1024 * 1024


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "file":
        return open_blob_store("", tmp_path / "blobs", tmp_path / "cache", CACHE_BYTES)
    bucket = request.getfixturevalue("s3_bucket")
    return open_blob_store(bucket.url, tmp_path / "blobs", tmp_path / "cache", CACHE_BYTES)


def test_same_bytes_are_stored_once_under_their_hash(store: BlobStore) -> None:
    first = store.put(b"slide", "webp")
    second = store.put(b"slide", "webp")
    assert first == second == hashlib.sha256(b"slide").hexdigest()
    assert store.exists(first) and store.path(first).read_bytes() == b"slide"


def test_a_file_is_stored_by_content(store: BlobStore, tmp_path: Path) -> None:
    src = tmp_path / "deck.pdf"
    src.write_bytes(b"%PDF-1.7 content" * 100_000)
    digest = store.put_file(src)
    assert digest == hashlib.sha256(src.read_bytes()).hexdigest()
    assert store.exists(digest)
    assert store.path(digest).read_bytes() == src.read_bytes()


def test_a_deleted_blob_is_gone(store: BlobStore) -> None:
    digest = store.put(b"old slide")
    store.path(digest)  # a bucket's local copy goes too
    store.delete(digest)
    assert not store.exists(digest)
    store.delete(digest)  # twice is harmless


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab", "A" * 64, "0" * 63 + "/"])
def test_keys_only_come_from_hashes(store: BlobStore, bad: str) -> None:
    assert not store.exists(bad)
    with pytest.raises(ValueError):
        store.path(bad)


def test_local_blobs_live_in_two_level_folders(tmp_path: Path) -> None:
    store = LocalBlobs(tmp_path / "blobs")
    digest = store.put(b"slide")
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [
        tmp_path / "blobs" / digest[:2] / digest
    ]


def test_s3_store_reads_its_bucket_not_the_copy(s3_bucket: object, tmp_path: Path) -> None:
    """What another node wrote is found; what another node deleted is not served from a stale guess."""
    url = s3_bucket.url  # type: ignore[attr-defined]
    node_a = open_blob_store(url, tmp_path / "a", tmp_path / "cache-a", CACHE_BYTES)
    node_b = open_blob_store(url, tmp_path / "b", tmp_path / "cache-b", CACHE_BYTES)
    assert isinstance(node_a, S3Blobs)
    digest = node_a.put(b"written on A")
    assert node_b.exists(digest) and node_b.path(digest).read_bytes() == b"written on A"
    assert s3_bucket.keys() == {f"deckchat/{digest[:2]}/{digest}"}  # type: ignore[attr-defined]
    node_a.delete(digest)
    with pytest.raises(FileNotFoundError):
        node_a.path(digest)
