"""The supervisor stops a job that runs past DECKCHAT_JOB_TIMEOUT_S, fails it once, and frees its worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from deckchat.bootstrap import bootstrap
from deckchat.core.deck import JobStatus
from deckchat.ingest.validate import SourceFile
from deckchat.jobs.supervisor import Supervisor
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings
from deckchat.store.tables import JobRow
from tests.ingest.hostile import pages_pdf
from tests.live import worker_pids

pytestmark = pytest.mark.slow


def _wait_for_end(services: Services, job_id: str, timeout: float = 120) -> JobRow:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with services.db.read() as session:
            job = session.get_one(JobRow, job_id)
            session.expunge(job)
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        time.sleep(0.1)
    raise TimeoutError(job_id)


def test_a_job_past_its_time_limit_is_failed_once_and_its_worker_killed(tmp_path: Path) -> None:
    # Half a second is less than a worker takes to start, so every job overruns it.
    settings = Settings(home=tmp_path / "home", job_timeout_s=0.5, _env_file=None)  # type: ignore[call-arg]
    services = open_services(bootstrap(settings).settings)  # as serve starts it
    supervisor = Supervisor(services.settings, services.db, services.scratch)
    supervisor.start()
    try:
        deck = pages_pdf(tmp_path, pages=3)
        deck_id, job_id = services.decks.add(SourceFile(deck, deck.name))
        supervisor.wake()
        job = _wait_for_end(services, job_id)
        time.sleep(1.5)  # three supervisor polls: time enough to (wrongly) claim the job again
        with services.db.read() as session:
            job = session.get_one(JobRow, job_id)
            assert (job.status, job.error_code, job.attempts) == (JobStatus.FAILED, "ingest_timeout", 1)
            assert job.lease_until is None
        error = services.decks.get(deck_id).error
        assert error is not None and error.code == "ingest_timeout"
        assert error.message.startswith("Processing this deck took longer than 0.5 seconds and was stopped")
        assert worker_pids(job_id) == []
    finally:
        supervisor.stop()
        services.close()


def test_a_drain_lets_the_running_job_finish_and_claims_nothing_more(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", workers=1, _env_file=None)  # type: ignore[call-arg]
    services = open_services(bootstrap(settings).settings)
    supervisor = Supervisor(services.settings, services.db, services.scratch)
    supervisor.start()
    try:
        first = pages_pdf(tmp_path, pages=3, name="first.pdf")
        _, running = services.decks.add(SourceFile(first, first.name))
        supervisor.wake()
        deadline = time.monotonic() + 60
        while not supervisor.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert supervisor.running() == 1
        second = pages_pdf(tmp_path, pages=2, name="second.pdf", text="Another deck")
        _, queued = services.decks.add(SourceFile(second, second.name))
        supervisor.drain(grace_s=120)
        assert _wait_for_end(services, running, timeout=1).status == JobStatus.DONE
        with services.db.read() as session:
            left = session.get_one(JobRow, queued)
            assert (left.status, left.attempts) == (JobStatus.QUEUED, 0)
    finally:
        supervisor.stop()
        services.close()
