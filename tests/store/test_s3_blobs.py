"""What only the bucket store does: streamed multipart uploads that appear whole or not at all, and a
bounded local cache of the blobs it has read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from deckchat.store.s3_blobs import S3Blobs

MB = 1024 * 1024


def _store(bucket: Any, tmp_path: Path, cache_bytes: int = 64 * MB, client: Any = None) -> S3Blobs:
    return S3Blobs(bucket.name, "deckchat", tmp_path / "cache", cache_bytes, client=client or bucket.client())


def test_a_large_file_goes_up_in_parts_and_comes_back_whole(s3_bucket: Any, tmp_path: Path) -> None:
    src = tmp_path / "big.pptx"
    src.write_bytes(os.urandom(3 * MB) * 7)  # 21 MB: three 8 MB parts at boto3's default threshold
    calls: list[str] = []
    client = s3_bucket.client()
    client.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
    store = _store(s3_bucket, tmp_path, client=client)
    digest = store.put_file(src)
    assert calls.count("UploadPart") >= 3 and "CompleteMultipartUpload" in calls
    assert store.path(digest).read_bytes() == src.read_bytes()


def test_an_upload_that_fails_midway_leaves_no_object(s3_bucket: Any, tmp_path: Path) -> None:
    src = tmp_path / "big.pdf"
    src.write_bytes(os.urandom(MB) * 20)
    client = s3_bucket.client()
    parts = []

    def fail_the_second_part(model: Any, **_: Any) -> None:
        if model.name == "UploadPart":
            parts.append(1)
            if len(parts) == 2:
                raise ConnectionError("the network went away")

    client.meta.events.register("before-call.s3.UploadPart", fail_the_second_part)
    store = _store(s3_bucket, tmp_path, client=client)
    store_config = TransferConfig(max_concurrency=1)  # parts in order, so the second one fails
    client.upload_file = _with_config(client.upload_file, store_config)
    with pytest.raises(Exception, match="network went away"):
        store.put_file(src)
    assert s3_bucket.keys() == set()
    assert not _store(s3_bucket, tmp_path / "other").exists(_sha256(src))


def test_the_cache_keeps_recent_copies_within_its_bound(s3_bucket: Any, tmp_path: Path) -> None:
    writer = _store(s3_bucket, tmp_path / "writer")
    digests = [writer.put(os.urandom(MB)) for _ in range(4)]
    reader = _store(s3_bucket, tmp_path, cache_bytes=int(2.5 * MB))
    for digest in digests:
        reader.path(digest)
    cached = {p.name for p in (tmp_path / "cache").glob("*/*")}
    assert cached == set(digests[2:])  # the two most recent fit; the older ones were dropped
    assert reader.path(digests[0]).stat().st_size == MB  # and come back from the bucket when asked


def _with_config(upload_file: Any, config: TransferConfig) -> Any:
    def upload(*args: Any, **kwargs: Any) -> Any:
        return upload_file(*args, Config=config, **kwargs)

    return upload


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
