"""The worker process: runs the job it is handed to its end, with the settings it is handed, and never
outlives the server that started it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deckchat.ingest.validate import SourceFile
from deckchat.services.app_services import Services
from deckchat.store.jobs import owner_id
from tests.ingest.hostile import small_pptx
from tests.live import REPO, worker_pids

pytestmark = pytest.mark.slow  # a process of its own, importing the ingestion stack


def _worker(job_id: str, owner: str, parent: int) -> list[str]:
    """The command line the supervisor starts a worker with."""
    args = ["--job", job_id, "--owner", owner, "--parent", str(parent)]
    return [sys.executable, "-m", "deckchat.jobs.worker", *args]


# One database: which one is the services' business, tested there; a worker costs seconds to start.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_worker_runs_its_job_to_the_end_with_the_settings_it_is_handed(
    services: Services, tmp_path: Path
) -> None:
    owner = owner_id()  # this process stands in for the server that claimed the job
    deck = small_pptx(tmp_path)
    deck_id, job_id = services.decks.add(SourceFile(deck, deck.name), worker=owner)
    # A setting the worker's environment knows nothing of: only the server's settings, sent on its
    # stdin, make this job fail where it does.
    handed = services.settings.model_copy(update={"soffice": str(tmp_path / "no-libreoffice")})

    done = subprocess.run(
        _worker(job_id, owner, os.getpid()),
        input=handed.model_dump_json(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    view = services.decks.get(deck_id)  # the job's end: a failed deck, with the reason for its presenter
    assert view.status == "failed" and view.error is not None and view.error.code == "libreoffice_missing"


# Starts a worker for the job in argv[1], with the test's pipe as its stdin, and then waits to be killed.
_SERVER = """
import os, subprocess, sys, time
command = [sys.executable, "-m", "deckchat.jobs.worker", "--job", sys.argv[1], "--owner", "tests:0"]
subprocess.Popen([*command, "--parent", str(os.getpid())], stdin=int(sys.argv[2]))
time.sleep(600)
"""


def _wait_until_reading_stdin(pid: int) -> None:
    """Until the worker waits for its settings: past arming its death signal, and alive only for that."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if "pipe" in Path(f"/proc/{pid}/wchan").read_text():
            return
        time.sleep(0.05)
    raise TimeoutError(f"worker {pid} never waited on its stdin")


def test_a_worker_dies_with_the_server_that_started_it(tmp_path: Path) -> None:
    job_id = secrets.token_hex(8)
    # The test holds the pipe's other end, so the worker's stdin stays open when the server dies: only
    # the death signal the worker asked for can end it.
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, job_id, str(read_end)], cwd=REPO, pass_fds=(read_end,)
    )
    try:
        deadline = time.monotonic() + 60
        while not (pids := worker_pids(job_id)) and time.monotonic() < deadline:
            time.sleep(0.05)
        [pid] = pids
        _wait_until_reading_stdin(pid)

        server.kill()  # kill -9: no handler of the server's runs
        server.wait()
        deadline = time.monotonic() + 30
        while worker_pids(job_id) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker_pids(job_id) == []
    finally:
        server.kill()
        server.wait()
        os.close(read_end)
        os.close(write_end)
