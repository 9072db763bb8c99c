"""Several nodes on one queue and one PostgreSQL database, as local processes on loopback: two web-only
nodes (`serve --no-jobs`) and one `deckchat worker`.

A deck uploaded to node A is ingested by the worker and viewable on node B, images included; made
private on A, its images are refused on B within a second, although each node may reuse what it knows
of access for a minute here (so only the change notice can explain it); deleted on B, it is gone from A
and its files from the store. (The uploads and images share one DECKCHAT_HOME here: object storage for
nodes on several hosts is not built yet.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ingest.hostile import pages_pdf
from tests.live import LiveServer, Worker, cli

pytestmark = [pytest.mark.slow, pytest.mark.pg]
NOTICE_S = 1.0  # the bound for a change on one node to apply on every other
CACHE_S = "60"  # how long a node may reuse access answers here: far longer than NOTICE_S


@pytest.fixture
def cluster(tmp_path: Path, pg_database: str) -> Iterator[tuple[LiveServer, LiveServer, dict[str, str]]]:
    env = {"DECKCHAT_DATABASE_URL": pg_database, "DECKCHAT_ACCESS_CACHE_S": CACHE_S}
    home = tmp_path / "home"
    node_a = LiveServer(home, "--no-jobs", **env).start()
    node_b = LiveServer(home, "--no-jobs", **env).start()
    worker = Worker(home, **env)
    try:
        made = cli(home, "token", "create", "--name", "nodes", "--json", env=env)
        assert made.returncode == 0, made.stderr[-2000:]
        token = made.stdout.split('"token": "', 1)[1].split('"', 1)[0]
        yield node_a, node_b, {"Authorization": f"Bearer {token}"}
    finally:
        worker.kill()
        node_a.stop()
        node_b.stop()


def _until(check: Any, timeout: float) -> float:
    """Seconds until ``check()`` held; fails after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_change_on_one_node_applies_on_the_other_within_a_second(
    cluster: tuple[LiveServer, LiveServer, dict[str, str]], tmp_path: Path
) -> None:
    node_a, node_b, token = cluster
    deck_file = pages_pdf(tmp_path, pages=2)
    files = {"deck": (deck_file.name, deck_file.read_bytes())}
    created = httpx.post(f"{node_a.url}/api/decks", files=files, headers=token, timeout=30)
    assert created.status_code == 202, created.text
    deck_id = created.json()["id"]

    def ready_on_b() -> bool:
        answer = httpx.get(f"{node_b.url}/api/decks/{deck_id}", headers=token, timeout=10).json()
        assert answer["status"] != "failed", answer
        return bool(answer["status"] == "ready")

    _until(ready_on_b, timeout=180)
    slides = httpx.get(f"{node_b.url}/api/decks/{deck_id}/slides", timeout=10).json()["slides"]
    images = [f"{node_b.url}{slide['image']}" for slide in slides]
    assert [httpx.get(image, timeout=10).status_code for image in images] == [
        200,
        200,
    ]  # anyone with the link

    private = httpx.patch(f"{node_a.url}/api/decks/{deck_id}", json={"visibility": "private"}, headers=token)
    assert private.status_code == 200, private.text
    refused = _until(
        lambda: httpx.get(images[0], timeout=10).status_code in (403, 404), timeout=NOTICE_S * 10
    )
    assert refused < NOTICE_S
    assert httpx.get(images[0], headers=token, timeout=10).status_code == 200  # its presenter still sees it

    blobs = {p.name for p in (node_a.home / "blobs").rglob("*") if p.is_file()}
    assert httpx.delete(f"{node_b.url}/api/decks/{deck_id}", headers=token, timeout=30).status_code == 204
    gone = _until(
        lambda: httpx.get(f"{node_a.url}/api/decks/{deck_id}", headers=token, timeout=10).status_code == 404,
        timeout=NOTICE_S * 10,
    )
    assert gone < NOTICE_S
    assert httpx.get(images[0].replace(node_b.url, node_a.url), headers=token, timeout=10).status_code == 404
    left = {p.name for p in (node_a.home / "blobs").rglob("*") if p.is_file()}
    assert blobs and not left & blobs  # no other deck used them
