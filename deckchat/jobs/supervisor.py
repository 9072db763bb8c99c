"""The job loop of `serve` and `deckchat worker`: claim queued jobs and run each in a child process, a
few at a time. Any number of them may share one queue (jobs are claimed under a lease)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from deckchat.core.deck import JobStatus
from deckchat.services.scratch import Scratch
from deckchat.settings import Settings
from deckchat.store import jobs
from deckchat.store.db import Database
from deckchat.store.tables import JobRow

log = logging.getLogger(__name__)
_POLL_S = 0.5


class Supervisor:
    def __init__(self, settings: Settings, db: Database, scratch: Scratch) -> None:
        self.settings, self._db, self._scratch = settings, db, scratch
        self.owner = jobs.owner_id()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._draining = threading.Event()
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._started: dict[str, float] = {}
        self._thread = threading.Thread(target=self._loop, name="job-supervisor", daemon=True)

    def start(self) -> None:
        with self._db.session() as session:
            released = jobs.release_dead(session, self.settings.job_max_attempts)
        if released:
            log.info("requeued %d job(s) left running by a process that died", released)
        self._scratch.sweep()
        self._thread.start()

    def wake(self) -> None:
        """Look for work now rather than at the next poll (called after an upload)."""
        self._wake.set()

    def drain(self, grace_s: float) -> None:
        """Claim nothing more, give the running jobs ``grace_s`` to finish, then stop (which puts any
        job still running back in the queue for another worker)."""
        self._draining.set()
        deadline = time.monotonic() + grace_s
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.stop()

    def running(self) -> int:
        """Jobs this supervisor's children are running now."""
        return len(self._children)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        for job_id, child in self._children.items():
            child.kill()
            child.wait()
            self._started.pop(job_id, None)
            # Back to the queue now, for whichever server starts next.
            self._release_if_unfinished(job_id)
        self._children.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._reap()
                self._fill()
            except Exception:
                log.exception("job supervisor iteration failed; retrying")
            self._wake.wait(_POLL_S)
            self._wake.clear()

    def _fill(self) -> None:
        settings = self.settings
        while len(self._children) < settings.workers and not (self._stop.is_set() or self._draining.is_set()):
            with self._db.session() as session:
                job = jobs.claim_next(session, self.owner, settings.job_lease_s)
                job_id = job.id if job else None
            if job_id is None:
                return
            self._children[job_id] = self._spawn(job_id)
            self._started[job_id] = time.monotonic()

    def _spawn(self, job_id: str) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "deckchat.jobs.worker",
            "--job",
            job_id,
            "--owner",
            self.owner,
            "--parent",
            str(os.getpid()),
        ]
        child = subprocess.Popen(command, stdin=subprocess.PIPE)
        assert child.stdin is not None
        child.stdin.write(self.settings.model_dump_json().encode())
        child.stdin.close()
        log.info("job %s started in worker pid %d", job_id, child.pid)
        return child

    def _reap(self) -> None:
        for job_id, child in list(self._children.items()):
            code = child.poll()
            if code is None and self._overdue(job_id):
                self._stop_overdue(job_id, child)
                continue
            if code is None:
                continue
            del self._children[job_id]
            self._started.pop(job_id, None)
            if code != 0:
                log.error("worker for job %s exited with %d", job_id, code)
            self._release_if_unfinished(job_id)

    def _overdue(self, job_id: str) -> bool:
        return time.monotonic() - self._started[job_id] > self.settings.job_timeout_s

    def _stop_overdue(self, job_id: str, child: subprocess.Popen[bytes]) -> None:
        """A job past its time limit would most likely run over again: fail it rather than retry it.

        The lease alone cannot catch this, since a stuck worker's heartbeat thread keeps renewing it."""
        child.kill()
        child.wait()
        del self._children[job_id]
        del self._started[job_id]
        limit = self.settings.job_timeout_s
        log.error("job %s ran past its %.0f s limit; worker pid %d killed", job_id, limit, child.pid)
        with self._db.session() as session:
            job = session.get(JobRow, job_id)
            if job is not None and job.status == JobStatus.RUNNING and job.lease_owner == self.owner:
                jobs.fail(
                    session,
                    job,
                    "ingest_timeout",
                    f"Processing this deck took longer than {_duration(limit)} and was stopped; "
                    "split it into smaller decks, or export it as PDF and upload that.",
                )

    def _release_if_unfinished(self, job_id: str) -> None:
        with self._db.session() as session:
            job = session.get(JobRow, job_id)
            if job is not None and job.status == JobStatus.RUNNING and job.lease_owner == self.owner:
                jobs.release(session, job, self.settings.job_max_attempts)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:g} seconds"
