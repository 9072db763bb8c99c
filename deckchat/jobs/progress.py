"""Persist a running job's progress, renewing its lease, without writing to the database on every slide."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from deckchat.core.deck import Stage
from deckchat.store import jobs
from deckchat.store.db import Database

# Writes at most this often, except on a change of stage.
_MIN_INTERVAL_S = 0.25


class LeaseLost(Exception):
    """Another worker owns this job now (ours was presumed dead); stop without writing results."""


class JobProgress:
    """A ProgressSink that records progress and keeps the job's lease alive, also between reports."""

    def __init__(
        self,
        db: Database,
        job_id: str,
        owner: str,
        lease_s: float,
        listener: Callable[[Stage, int, int], None] | None = None,
    ) -> None:
        self._db, self._job_id, self._owner, self._lease_s = db, job_id, owner, lease_s
        self._listener = listener
        self._state: tuple[Stage, int, int] = (Stage.QUEUED, 0, 0)
        self._written_at = 0.0
        self._written_stage: Stage | None = None
        self._lost = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name=f"lease-{job_id}", daemon=True)

    def __enter__(self) -> JobProgress:
        self._beat.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._beat.join()

    def __call__(self, stage: Stage, done: int, total: int) -> None:
        if self._listener:
            self._listener(stage, done, total)
        with self._lock:
            self._state = (stage, done, total)
        due = stage != self._written_stage or done == total
        if due or time.monotonic() - self._written_at >= _MIN_INTERVAL_S:
            self._write()
        if self._lost:
            raise LeaseLost(self._job_id)

    def _write(self) -> None:
        with self._lock:
            stage, done, total = self._state
            with self._db.session() as session:
                ours = jobs.heartbeat(session, self._job_id, self._owner, self._lease_s, stage, done, total)
            self._written_at, self._written_stage = time.monotonic(), stage
            self._lost = self._lost or not ours

    def _heartbeat(self) -> None:
        # A long conversion reports nothing for minutes; the lease must not lapse meanwhile.
        while not self._stop.wait(self._lease_s / 4):
            self._write()
