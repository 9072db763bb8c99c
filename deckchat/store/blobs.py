"""Files addressed by the SHA-256 of their bytes, so the same deck uploaded twice is stored once."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_HASH = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root  # made by the first write: opening a store creates nothing

    def path(self, digest: str) -> Path:
        if not _HASH.match(digest):
            raise ValueError(f"not a blob hash: {digest!r}")
        return self.root / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return _HASH.match(digest) is not None and self.path(digest).is_file()

    def put(self, data: bytes, ext: str = "") -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.path(digest).is_file():
            self._publish(digest, lambda out: out.write(data))
        return digest

    def put_file(self, src: Path) -> str:
        digest = file_sha256(src)
        if not self.path(digest).is_file():
            with src.open("rb") as source:
                self._publish(digest, lambda out: shutil.copyfileobj(source, out, _CHUNK))
        return digest

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)

    def _publish(self, digest: str, write: Callable[[BinaryIO], object]) -> None:
        # Write beside the target, fsync, then rename: a crash leaves either nothing or the whole file.
        target = self.path(digest)
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
