"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, moto), for nodes on several hosts.

boto3 because it is the reference S3 client: it reads the standard AWS_* variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL for a server other than AWS) and its transfer
manager streams files in multipart uploads and ranged downloads, so no deck is held in memory.

Atomic by the protocol: an object appears only when its PUT or its CompleteMultipartUpload succeeds, so
a crash leaves no object or the whole one; an abandoned multipart upload is invisible (a bucket
lifecycle rule, AbortIncompleteMultipartUpload, reclaims its parts). Keys are content-addressed as on
disk (PREFIX/ab/abcd…), so a blob never changes once written and any local copy of it stays right: the
cache below needs no invalidation, only a size bound.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from deckchat.store.blobs import blob_key, file_sha256, is_digest


class S3Blobs:
    def __init__(
        self, bucket: str, prefix: str, cache_dir: Path, cache_bytes: int, client: Any = None
    ) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self._s3, self._bucket = client, bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._cache, self._cache_bytes = cache_dir, cache_bytes

    def key(self, digest: str) -> str:
        return self._prefix + blob_key(digest)

    def exists(self, digest: str) -> bool:
        if not is_digest(digest):
            return False
        if self._cached(digest).is_file():  # a blob never changes: a copy proves it was written
            return True
        return self._head(digest)

    def put(self, data: bytes, ext: str = "") -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self._head(digest):
            self._s3.put_object(Bucket=self._bucket, Key=self.key(digest), Body=data)
        return digest

    def put_file(self, src: Path) -> str:
        digest = file_sha256(src)
        if not self._head(digest):
            self._s3.upload_file(str(src), self._bucket, self.key(digest))
        return digest

    def delete(self, digest: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=self.key(digest))
        self._cached(digest).unlink(missing_ok=True)

    def path(self, digest: str) -> Path:
        """The blob's local copy, downloaded (streamed to disk) the first time it is asked for."""
        cached = self._cached(digest)
        if cached.is_file():
            os.utime(cached)  # recently used: the last to be evicted
            return cached
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".tmp-")
        os.close(fd)
        try:
            self._s3.download_file(self._bucket, self.key(digest), tmp)
        except Exception as error:
            Path(tmp).unlink(missing_ok=True)
            if _missing(error):
                raise FileNotFoundError(f"no blob {digest} in s3://{self._bucket}/{self._prefix}") from error
            raise
        os.replace(tmp, cached)  # whole or not at all, for the other threads reading the cache
        self._evict()
        return cached

    def _cached(self, digest: str) -> Path:
        return self._cache / blob_key(digest)

    def _head(self, digest: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._bucket, Key=self.key(digest))
        except Exception as error:
            if _missing(error):
                return False
            raise
        return True

    def _evict(self) -> None:
        """Keep the cache under its bound, dropping the least recently used copies first."""
        files = [(p.stat(), p) for p in self._cache.glob("*/*") if p.is_file() and not p.name.startswith(".")]
        total = sum(stat.st_size for stat, _ in files)
        for stat, path in sorted(files, key=lambda item: item[0].st_mtime):
            if total <= self._cache_bytes:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size


def _missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in {"404", "NoSuchKey", "NotFound"}
