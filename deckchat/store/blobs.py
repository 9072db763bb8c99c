"""Files addressed by the SHA-256 of their bytes, so the same deck uploaded twice is stored once.

Two homes, one interface (``BlobStore``): a folder on local disk (the default) and an S3-compatible
bucket (store/s3_blobs.py), chosen by DECKCHAT_STORAGE_URL (store/storage.py). Whatever the home,
``path`` gives a local file with the blob's bytes: LibreOffice, pdfium and the image server read files,
and a bucket's blobs are fetched once into a local cache that is only ever a copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

_HASH = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


class BlobStore(Protocol):
    def exists(self, digest: str) -> bool: ...

    def put(self, data: bytes, ext: str = "") -> str:
        """Store bytes; their SHA-256, which names them from now on."""
        ...

    def put_file(self, src: Path) -> str:
        """Store a file's bytes, streamed; their SHA-256."""
        ...

    def delete(self, digest: str) -> None: ...

    def path(self, digest: str) -> Path:
        """A local file holding the blob's bytes; read it, never write it."""
        ...


def blob_key(digest: str) -> str:
    """Where a blob lives below the store's root: two levels, so no folder holds millions of entries."""
    if not _HASH.match(digest):
        raise ValueError(f"not a blob hash: {digest!r}")
    return f"{digest[:2]}/{digest}"


def is_digest(text: str) -> bool:
    return _HASH.match(text) is not None


class LocalBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root  # made by the first write: opening a store creates nothing

    def path(self, digest: str) -> Path:
        return self.root / blob_key(digest)

    def exists(self, digest: str) -> bool:
        return is_digest(digest) and self.path(digest).is_file()

    def put(self, data: bytes, ext: str = "") -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.path(digest).is_file():
            publish(self.path(digest), lambda out: out.write(data))
        return digest

    def put_file(self, src: Path) -> str:
        digest = file_sha256(src)
        if not self.path(digest).is_file():
            with src.open("rb") as source:
                publish(self.path(digest), lambda out: shutil.copyfileobj(source, out, _CHUNK))
        return digest

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)


def publish(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write beside the target, fsync, then rename: a crash leaves either nothing or the whole file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
