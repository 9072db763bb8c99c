"""The job queue's claim, lease and release rules, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from deckchat.core.deck import Stage
from deckchat.store import decks, jobs
from deckchat.store.db import Database, migrate
from deckchat.store.tables import DeckRow, JobRow


def _db_with_jobs(db_url: str, count: int) -> tuple[Database, list[str]]:
    db = Database(db_url)
    migrate(db.engine)
    ids = []
    with db.session() as session:
        for i in range(count):
            deck = decks.add_deck(
                session, decks.NewDeck(f"deck {i}", "unlisted", f"{i:064x}", "d.pdf", "pdf", 10)
            )
            ids.append(jobs.enqueue(session, deck.id).id)
    return db, ids


def test_each_job_is_claimed_once_under_contention(db_url: str) -> None:
    db, ids = _db_with_jobs(db_url, 6)
    claimed: list[tuple[str, str]] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            with db.session() as session:
                job = jobs.claim_next(session, name, lease_s=60)
                if job is None:
                    return
                with lock:
                    claimed.append((job.id, name))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(job_id for job_id, _ in claimed) == sorted(ids)
    with db.session() as session:
        statuses = {d.status for d in session.query(DeckRow)}
    assert statuses == {"processing"}
    db.dispose()


def test_heartbeat_records_progress_only_for_the_owner(db_url: str) -> None:
    db, [job_id] = _db_with_jobs(db_url, 1)
    with db.session() as session:
        jobs.claim_next(session, "me", lease_s=60)
    with db.session() as session:
        assert jobs.heartbeat(session, job_id, "me", 60, Stage.RENDER, 3, 10)
        assert not jobs.heartbeat(session, job_id, "someone-else", 60, Stage.RENDER, 4, 10)
    with db.session() as session:
        job = session.get_one(JobRow, job_id)
        assert (job.stage, job.done, job.total) == ("render", 3, 10)
    db.dispose()


def test_an_expired_lease_can_be_claimed_again(db_url: str) -> None:
    db, [job_id] = _db_with_jobs(db_url, 1)
    with db.session() as session:
        jobs.claim_next(session, "dead-worker", lease_s=60)
    with db.session() as session:
        assert jobs.claim_next(session, "second", lease_s=60) is None
        session.get_one(JobRow, job_id).lease_until = datetime.now(UTC) - timedelta(seconds=1)
    with db.session() as session:
        job = jobs.claim_next(session, "second", lease_s=60)
        assert job is not None and (job.lease_owner, job.attempts) == ("second", 2)
    db.dispose()


def test_jobs_of_dead_processes_are_released_then_failed_after_max_attempts(db_url: str) -> None:
    db, [job_id] = _db_with_jobs(db_url, 1)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for attempt in (1, 2, 3):
        with db.session() as session:
            job = jobs.claim_next(session, jobs.owner_id(dead.pid), lease_s=600)
            assert job is not None and job.attempts == attempt
        with db.session() as session:
            assert jobs.release_dead(session, max_attempts=3) == 1
    with db.session() as session:
        job = session.get_one(JobRow, job_id)
        deck = session.get_one(DeckRow, job.deck_id)
        assert (job.status, deck.status, deck.error_code) == ("failed", "failed", "ingest_crashed")
        assert deck.error_message and deck.error_message.endswith(f"this reference: {job_id}.")
    db.dispose()


def test_live_owners_keep_their_jobs(db_url: str) -> None:
    db, [job_id] = _db_with_jobs(db_url, 1)
    with db.session() as session:
        jobs.claim_next(session, jobs.owner_id(), lease_s=600)
    with db.session() as session:
        assert jobs.release_dead(session, max_attempts=3) == 0
        assert session.get_one(JobRow, job_id).status == "running"
    db.dispose()


def test_a_new_version_never_takes_the_ready_deck_down(db_url: str) -> None:
    """Claiming, crashing and failing a replacement job leave the deck ready on its current version;
    the failure is kept on the job, where the deck's view reports it."""
    db = Database(db_url)
    migrate(db.engine)
    try:
        new_notes = (decks.NewNotes("n.md", "md", "c" * 64),)
        with db.session() as session:
            deck = decks.add_deck(session, decks.NewDeck("talk", "unlisted", "a" * 64, "v1.pdf", "pdf", 10))
            deck.status = "ready"
            replacement = decks.replacement_of("b" * 64, "v2.pptx", "pptx", 20, new_notes)
            job_id = jobs.enqueue(session, deck.id, replacement=replacement).id
            deck_id = deck.id
        with db.session() as session:
            job = jobs.claim_next(session, "w1", lease_s=60)
            assert job is not None and job.id == job_id
            assert session.get_one(DeckRow, deck_id).status == "ready"
            # While it is queued or running, its uploads count as in use: no collection may delete them.
            assert decks.blob_in_use(session, "b" * 64) and decks.blob_in_use(session, "c" * 64)
            jobs.release(session, job, max_attempts=3)  # its worker died
            assert session.get_one(DeckRow, deck_id).status == "ready" and job.status == "queued"
        with db.session() as session:
            job = jobs.claim_next(session, "w2", lease_s=60)
            assert job is not None
            jobs.fail(session, job, "convert_failed", "LibreOffice could not read the file.")
        with db.session() as session:
            deck = session.get_one(DeckRow, deck_id)
            assert (deck.status, deck.error_code, deck.source_filename) == ("ready", None, "v1.pdf")
            failed = jobs.latest_job(session, deck_id, replacement=True)
            assert failed is not None and (failed.status, failed.error_code) == ("failed", "convert_failed")
            assert jobs.latest_job(session, deck_id) is None  # no first-ingestion job was made here
            assert not decks.blob_in_use(session, "b" * 64)  # a failed version's upload may be collected
    finally:
        db.dispose()
