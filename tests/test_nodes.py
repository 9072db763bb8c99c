"""Several nodes sharing nothing on disk, as local processes on loopback: PostgreSQL (pgserver), an
S3-compatible server (moto), Redis, two web-only nodes (`serve --no-jobs`) and `deckchat worker`s, each
with a home of its own.

- A deck uploaded to node A is ingested by a worker and viewable on node B, images included.
- Made private on A, its images are refused on B within a second, although each node may reuse what it
  knows of access for a minute here: only the change notice can explain it.
- Deleted on B, it is gone from A, and its objects are gone from the bucket.
- A worker killed with kill -9 mid-ingest leaves its job to a second worker, which finishes it.
- Rate limits are counted in Redis: attempts on A count on B.
- A token revoked by another process is refused by both nodes on its next request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import Bucket
from tests.ingest.hostile import pages_pdf
from tests.live import LiveServer, Worker, cli

pytestmark = [pytest.mark.slow, pytest.mark.pg]
NOTICE_S = 1.0  # the bound for a change on one node to apply on every other
CACHE_S = "60"  # how long a node may reuse access answers here: far longer than NOTICE_S
SIGN_IN_ATTEMPTS = 3  # an address's sign-in attempts a minute, in these tests


@dataclass
class Cluster:
    a: LiveServer
    b: LiveServer
    token: dict[str, str]
    env: dict[str, str]
    root: Path
    workers: list[Worker] = field(default_factory=list)

    def worker(self) -> Worker:
        started = Worker(self.root / f"worker-{len(self.workers)}", **self.env)
        self.workers.append(started)
        return started

    def status(self, deck_id: str) -> str:
        answer = httpx.get(f"{self.b.url}/api/decks/{deck_id}", headers=self.token, timeout=10).json()
        assert answer["status"] != "failed", answer
        return str(answer["status"])

    def upload(self, deck: Path) -> str:
        files = {"deck": (deck.name, deck.read_bytes())}
        created = httpx.post(f"{self.a.url}/api/decks", files=files, headers=self.token, timeout=60)
        assert created.status_code == 202, created.text
        return str(created.json()["id"])


@pytest.fixture
def cluster(tmp_path: Path, pg_database: str, s3_bucket: Bucket, redis_url: str) -> Iterator[Cluster]:
    env = {
        "DECKCHAT_RATE_LIMIT_STORAGE": redis_url,
        "DECKCHAT_SIGN_IN_RATE": f"{SIGN_IN_ATTEMPTS}/minute",
        "DECKCHAT_DATABASE_URL": pg_database,
        "DECKCHAT_STORAGE_URL": s3_bucket.url,
        "DECKCHAT_ACCESS_CACHE_S": CACHE_S,
        "DECKCHAT_SECRET_KEY": "shared by every node",
        "DECKCHAT_JOB_LEASE_S": "10",  # see tests/cli/test_worker.py's LEASE_S
        **s3_bucket.env,
    }
    node_a = LiveServer(tmp_path / "node-a", "--no-jobs", **env).start()
    node_b = LiveServer(tmp_path / "node-b", "--no-jobs", **env).start()
    try:
        made = cli(tmp_path / "admin", "token", "create", "--name", "nodes", "--json", env=env)
        assert made.returncode == 0, made.stderr[-2000:]
        token = json.loads(made.stdout)["token"]
        cluster = Cluster(node_a, node_b, {"Authorization": f"Bearer {token}"}, env, tmp_path)
        yield cluster
    finally:
        for worker in cluster.workers:
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
    cluster: Cluster, s3_bucket: Bucket, tmp_path: Path
) -> None:
    cluster.worker()
    deck_id = cluster.upload(pages_pdf(tmp_path, pages=2))
    _until(lambda: cluster.status(deck_id) == "ready", timeout=180)
    slides = httpx.get(f"{cluster.b.url}/api/decks/{deck_id}/slides", timeout=10).json()["slides"]
    images = [f"{cluster.b.url}{slide['image']}" for slide in slides]
    assert [httpx.get(image, timeout=10).status_code for image in images] == [
        200,
        200,
    ]  # anyone with the link
    stored = s3_bucket.keys()
    assert all(image.rsplit("/", 1)[1].split(".")[0][:64] in str(stored) for image in images)

    private = httpx.patch(
        f"{cluster.a.url}/api/decks/{deck_id}", json={"visibility": "private"}, headers=cluster.token
    )
    assert private.status_code == 200, private.text
    refused = _until(
        lambda: httpx.get(images[0], timeout=10).status_code in (403, 404), timeout=NOTICE_S * 10
    )
    assert refused < NOTICE_S
    assert (
        httpx.get(images[0], headers=cluster.token, timeout=10).status_code == 200
    )  # its presenter still can

    deleted = httpx.delete(f"{cluster.b.url}/api/decks/{deck_id}", headers=cluster.token, timeout=30)
    assert deleted.status_code == 204
    on_a = f"{cluster.a.url}/api/decks/{deck_id}"
    gone = _until(
        lambda: httpx.get(on_a, headers=cluster.token, timeout=10).status_code == 404, NOTICE_S * 10
    )
    assert gone < NOTICE_S
    image_on_a = images[0].replace(cluster.b.url, cluster.a.url)
    assert httpx.get(image_on_a, headers=cluster.token, timeout=10).status_code == 404
    assert s3_bucket.keys() == set()  # no other deck used any of its objects


def test_a_worker_killed_mid_ingest_leaves_its_job_to_another(cluster: Cluster, tmp_path: Path) -> None:
    first = cluster.worker()
    deck_id = cluster.upload(pages_pdf(tmp_path, pages=60))

    def started() -> bool:
        deck = httpx.get(f"{cluster.b.url}/api/decks/{deck_id}", headers=cluster.token, timeout=10).json()
        return deck["status"] == "processing" and bool((deck.get("progress") or {}).get("done"))

    _until(started, timeout=120)
    first.kill()
    assert cluster.status(deck_id) == "processing"  # killed mid-ingest, not after
    cluster.worker()
    _until(lambda: cluster.status(deck_id) == "ready", timeout=300)
    slides = httpx.get(f"{cluster.b.url}/api/decks/{deck_id}/slides", timeout=10).json()["slides"]
    assert len(slides) == 60


def test_rate_limits_are_counted_across_nodes(cluster: Cluster) -> None:
    wrong = {"email": "nobody@example.com", "password": "not the password"}

    def attempt(node: LiveServer) -> int:
        return httpx.post(f"{node.url}/api/session", json=wrong, timeout=30).status_code

    tried = [attempt(node) for node in (cluster.a, cluster.b, cluster.a)]
    assert tried == [401] * SIGN_IN_ATTEMPTS
    assert (attempt(cluster.b), attempt(cluster.a)) == (429, 429)


def test_a_revoked_token_is_refused_by_every_node_at_once(cluster: Cluster, tmp_path: Path) -> None:
    made = cli(tmp_path / "admin", "token", "create", "--name", "revoked soon", "--json", env=cluster.env)
    assert made.returncode == 0, made.stderr[-2000:]
    created = json.loads(made.stdout)
    headers = {"Authorization": f"Bearer {created['token']}"}
    nodes = (cluster.a, cluster.b)
    assert [httpx.get(f"{n.url}/api/decks", headers=headers, timeout=10).status_code for n in nodes] == [
        200,
        200,
    ]
    revoked = cli(tmp_path / "admin", "token", "revoke", created["id"], env=cluster.env)
    assert revoked.returncode == 0, revoked.stderr[-2000:]
    assert [httpx.get(f"{n.url}/api/decks", headers=headers, timeout=10).status_code for n in nodes] == [
        401,
        401,
    ]
