"""`deckchat worker` runs the queue that `serve --no-jobs` nodes fill; a stopped worker hands its job
back, and a killed one leaves it to another worker once its lease runs out.

Every process here is real: web node, workers and their job children, sharing one home and database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deckchat.bootstrap import bootstrap
from deckchat.core.deck import DeckStatus, JobStatus
from deckchat.ingest.validate import SourceFile
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings
from deckchat.store.tables import JobRow
from tests.ingest.hostile import pages_pdf
from tests.live import LiveServer, Worker, presenter_token, worker_pids

pytestmark = pytest.mark.slow
LEASE_S = "10"  # short enough for a takeover within the test; long enough that a busy machine
# delaying a heartbeat (every quarter lease) does not hand a live worker's job to another


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def services(home: Path) -> Iterator[Services]:
    opened = open_services(bootstrap(Settings(home=home, _env_file=None)).settings)  # type: ignore[call-arg]
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()


def _job(services: Services, job_id: str) -> JobRow:
    with services.db.read() as session:
        job = session.get_one(JobRow, job_id)
        session.expunge(job)
        return job


def _wait(services: Services, job_id: str, done: object, timeout: float = 240) -> JobRow:
    """The job once ``done(job)`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _job(services, job_id)
        if done(job):  # type: ignore[operator]
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id}: {_job(services, job_id).status}")


def _slow_deck(services: Services, folder: Path) -> str:
    """A queued job that takes a worker some seconds (a page image and its text for every page)."""
    deck = pages_pdf(folder, pages=60)
    _, job_id = services.decks.add(SourceFile(deck, deck.name))
    return job_id


def test_a_web_only_node_queues_uploads_and_a_worker_ingests_them(
    home: Path, tmp_path: Path, workers: list[Worker]
) -> None:
    server = LiveServer(home, "--no-jobs").start()
    try:
        headers = presenter_token(home)
        deck = pages_pdf(tmp_path, pages=2)
        files = {"deck": (deck.name, deck.read_bytes())}
        deck_id = httpx.post(f"{server.url}/api/decks", files=files, headers=headers, timeout=30).json()["id"]
        time.sleep(2)  # four polls of a supervisor, had the node one
        status = httpx.get(f"{server.url}/api/decks/{deck_id}", headers=headers, timeout=10).json()["status"]
        assert status not in ("ready", "failed")
        workers.append(Worker(home, DECKCHAT_JOB_LEASE_S=LEASE_S))
        deadline = time.monotonic() + 120
        while status not in ("ready", "failed") and time.monotonic() < deadline:
            time.sleep(0.3)
            status = httpx.get(f"{server.url}/api/decks/{deck_id}", headers=headers, timeout=10).json()[
                "status"
            ]
        assert status == "ready"
        code, printed = workers[0].stop()
        assert code == 0, printed
        # The job child may still be on its way out after marking the deck ready: the stop waits for it.
        assert "up to 2 job(s) at once" in printed and "s to finish" in printed
    finally:
        server.stop()


def test_a_stopped_worker_hands_its_running_job_back(
    services: Services, tmp_path: Path, workers: list[Worker]
) -> None:
    job_id = _slow_deck(services, tmp_path)
    first = Worker(services.settings.home, "--grace", "0", DECKCHAT_JOB_LEASE_S=LEASE_S)
    workers.append(first)
    _wait(services, job_id, lambda job: job.status == JobStatus.RUNNING and job.lease_owner == first.owner)
    code, printed = first.stop()
    assert code == 0, printed
    assert "stopping: 1 job(s) get 0 s to finish" in printed
    job = _job(services, job_id)
    assert (job.status, job.lease_owner, job.attempts) == (JobStatus.QUEUED, None, 1)
    assert worker_pids(job_id) == []  # its job child went with it
    workers.append(Worker(services.settings.home, DECKCHAT_JOB_LEASE_S=LEASE_S))
    job = _wait(services, job_id, lambda job: job.status in (JobStatus.DONE, JobStatus.FAILED))
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


def test_the_job_of_a_killed_worker_is_finished_by_another(
    services: Services, tmp_path: Path, workers: list[Worker]
) -> None:
    # Both run before the job exists, so the survivor learns of the death by the lease alone, as a
    # worker on another host would.
    workers.extend(
        [
            Worker(services.settings.home, "--jobs", "1", DECKCHAT_JOB_LEASE_S=LEASE_S),
            Worker(services.settings.home, "--jobs", "1", DECKCHAT_JOB_LEASE_S=LEASE_S),
        ]
    )
    time.sleep(3)  # both polling
    job_id = _slow_deck(services, tmp_path)
    job = _wait(services, job_id, lambda job: job.status == JobStatus.RUNNING and job.lease_owner)
    doomed = next(w for w in workers if w.owner == job.lease_owner)
    survivor = next(w for w in workers if w is not doomed)
    doomed.kill()
    assert _job(services, job_id).status == JobStatus.RUNNING  # killed mid-ingest, not after
    job = _wait(services, job_id, lambda job: job.status in (JobStatus.DONE, JobStatus.FAILED))
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    deck = services.decks.get(job.deck_id)
    assert (deck.status, deck.slide_count) == (DeckStatus.READY, 60)
    code, printed = survivor.stop()
    assert code == 0, printed
