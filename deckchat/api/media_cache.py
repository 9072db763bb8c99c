"""Slide image bytes kept in memory by content hash, the least recently used dropped first.

A blob never changes under its hash, so nothing here goes stale; whether the caller may see an image
is checked before its bytes are asked for. Serving from memory spares each request the file opens and
reads that a FileResponse does in worker threads, which cost more than the bytes themselves.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path


class MediaCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._largest = max_bytes // 8  # one huge image must not push out all the others
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, digest: str) -> bytes | None:
        with self._lock:
            body = self._items.get(digest)
            if body is not None:
                self._items.move_to_end(digest)
            return body

    def read(self, digest: str, path: Path) -> bytes:
        """The file's bytes, kept for next time if they fit. Blocking: call it from a worker thread."""
        body = path.read_bytes()
        if len(body) <= self._largest:
            with self._lock:
                if digest not in self._items:
                    self._items[digest] = body
                    self._size += len(body)
                while self._size > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._size -= len(dropped)
        return body

    @property
    def size(self) -> int:
        return self._size
