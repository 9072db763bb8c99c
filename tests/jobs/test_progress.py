"""JobProgress: a running job's progress in its row without a write per step, its lease kept alive while
nothing is reported, and a lease another worker took noticed at the next report."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from deckchat.core.deck import Stage
from deckchat.ingest.validate import SourceFile
from deckchat.jobs import progress
from deckchat.jobs.progress import JobProgress, LeaseLost
from deckchat.services.app_services import Services
from deckchat.store import jobs
from deckchat.store.tables import JobRow
from tests.ingest.hostile import pages_pdf


def _claimed(services: Services, tmp_path: Path) -> tuple[str, str]:
    """(job id, owner): a deck's job, claimed by this process as the CLI claims it."""
    owner = jobs.owner_id()
    deck = pages_pdf(tmp_path)
    _, job_id = services.decks.add(SourceFile(deck, deck.name), worker=owner)
    return job_id, owner


def _row(services: Services, job_id: str) -> JobRow:
    with services.db.read() as session:
        job = session.get_one(JobRow, job_id)
        session.expunge(job)
        return job


def _recorded(services: Services, job_id: str) -> tuple[Stage, int, int]:
    job = _row(services, job_id)
    return job.stage, job.done, job.total


def test_a_new_stage_and_its_last_step_are_written_at_once_and_steps_between_are_not(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "_MIN_INTERVAL_S", 3600)  # no step between comes due by time
    job_id, owner = _claimed(services, tmp_path)
    heard: list[tuple[Stage, int, int]] = []

    with JobProgress(services.db, job_id, owner, 3600, lambda *step: heard.append(step)) as report:
        report(Stage.RENDER, 0, 10)
        assert _recorded(services, job_id) == (Stage.RENDER, 0, 10)
        report(Stage.RENDER, 5, 10)
        assert _recorded(services, job_id) == (Stage.RENDER, 0, 10)
        report(Stage.RENDER, 10, 10)
        assert _recorded(services, job_id) == (Stage.RENDER, 10, 10)
        report(Stage.OCR, 0, 2)
        assert _recorded(services, job_id) == (Stage.OCR, 0, 2)

    # The listener (the CLI's progress bar) hears every step, written or not.
    assert heard == [(Stage.RENDER, 0, 10), (Stage.RENDER, 5, 10), (Stage.RENDER, 10, 10), (Stage.OCR, 0, 2)]


def test_the_lease_is_renewed_while_a_long_step_reports_nothing(services: Services, tmp_path: Path) -> None:
    job_id, owner = _claimed(services, tmp_path)
    seen = [_row(services, job_id).lease_until]
    with JobProgress(services.db, job_id, owner, lease_s=2):  # renewed every half second
        deadline = time.monotonic() + 60
        while len(seen) < 3 and time.monotonic() < deadline:
            lease_until = _row(services, job_id).lease_until
            if lease_until != seen[-1]:
                seen.append(lease_until)
            time.sleep(0.05)
    assert len(seen) == 3, "the lease was not renewed twice"
    assert seen[1] is not None and seen[2] is not None and seen[2] > seen[1]


def test_a_lease_another_worker_took_stops_the_job_at_its_next_report(
    services: Services, tmp_path: Path
) -> None:
    job_id, owner = _claimed(services, tmp_path)
    with JobProgress(services.db, job_id, owner, 3600) as report:
        report(Stage.RENDER, 0, 3)
        # Presumed dead, the job went back to the queue and another worker claimed it.
        with services.db.session() as session:
            jobs.release(session, session.get_one(JobRow, job_id), max_attempts=3)
        with services.db.session() as session:
            assert jobs.claim_next(session, "elsewhere:1", 60) is not None
        with pytest.raises(LeaseLost):
            report(Stage.OCR, 0, 1)
    job = _row(services, job_id)
    assert (job.lease_owner, job.stage) == ("elsewhere:1", Stage.RENDER)  # nothing written over theirs
