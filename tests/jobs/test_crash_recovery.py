"""kill -9 a real server in the middle of an ingestion; the restarted server finishes the job."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.live import LiveServer, presenter_token, worker_pids

pytestmark = pytest.mark.slow


def _wait_for_stage(
    server: LiveServer, deck_id: str, stages: set[str], timeout: float = 120
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deck = httpx.get(f"{server.url}/api/decks/{deck_id}").json()
        if deck["progress"]["stage"] in stages and deck["progress"]["done"] > 0:
            return deck  # type: ignore[no-any-return]
        assert deck["status"] not in ("ready", "failed"), "finished before we could kill it"
        time.sleep(0.05)
    raise TimeoutError(stages)


def test_a_killed_server_resumes_the_job_after_restart(tmp_path: Path, decks_dir: Path) -> None:
    home = tmp_path / "home"
    deck = decks_dir / "k8s-new-contributor-orientation-2025-04.pdf"
    token = presenter_token(home)
    server = LiveServer(home).start()
    try:
        with deck.open("rb") as body:
            created = httpx.post(
                f"{server.url}/api/decks", files={"deck": (deck.name, body)}, headers=token, timeout=60
            ).json()
        in_flight = _wait_for_stage(server, created["id"], {"render"})
        assert in_flight["status"] == "processing"
        server.kill()
        # The worker goes down with the server: nothing finishes the job behind our back.
        deadline = time.monotonic() + 10
        while worker_pids(created["job_id"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert worker_pids(created["job_id"]) == []

        server = LiveServer(home).start()
        deck_state = server.wait_ready(created["id"])
        assert deck_state["status"] == "ready" and deck_state["slide_count"] == 70
        slides = httpx.get(f"{server.url}/api/decks/{created['id']}/slides").json()["slides"]
        assert [s["number"] for s in slides] == list(range(1, 71))
        assert all(httpx.get(server.url + s["thumbnail"]).status_code == 200 for s in slides[::10])
        # Nothing half-done is left in the scratch space.
        assert list((home / "work").iterdir()) == []
    finally:
        server.stop()
