"""The small interfaces stages use to talk to the outside without importing it."""

from __future__ import annotations

from typing import Protocol

from deckchat.core.deck import Stage


class BlobSink(Protocol):
    """Stores bytes under their content hash and returns the hash."""

    def put(self, data: bytes, ext: str) -> str: ...


class ProgressSink(Protocol):
    """Told where a job is: the stage, and how many of how many units (slides) are done."""

    def __call__(self, stage: Stage, done: int, total: int) -> None: ...


def no_progress(stage: Stage, done: int, total: int) -> None:
    """A ProgressSink for callers that don't watch."""
