from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from deckchat.store.blobs import BlobStore


def test_same_bytes_are_stored_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    first = store.put(b"slide", "webp")
    second = store.put(b"slide", "webp")
    assert first == second == hashlib.sha256(b"slide").hexdigest()
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [store.path(first)]


def test_put_file_copies_by_content(tmp_path: Path) -> None:
    src = tmp_path / "deck.pdf"
    src.write_bytes(b"%PDF-1.7 content" * 1000)
    store = BlobStore(tmp_path / "blobs")
    digest = store.put_file(src)
    assert store.path(digest).read_bytes() == src.read_bytes()
    assert store.exists(digest)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab", "A" * 64, "0" * 63 + "/"])
def test_paths_only_come_from_hashes(tmp_path: Path, bad: str) -> None:
    store = BlobStore(tmp_path / "blobs")
    assert not store.exists(bad)
    with pytest.raises(ValueError):
        store.path(bad)
