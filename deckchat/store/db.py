"""Engines and sessions. SQLite runs in WAL mode so readers never wait for the ingesting writer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

_MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, *, reads_only: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take it over so writes lock up front.
        # Reads take no lock at all: under WAL they see a snapshot and never wait for one another.
        begin = "BEGIN" if reads_only else "BEGIN IMMEDIATE"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_MIGRATION_LOCK = 0x646563636861  # any constant shared by every deckchat process: "deccha"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration. Safe to call on every start, by several nodes at once:
    on PostgreSQL they take turns (a transaction-scoped advisory lock), and the later ones find nothing
    left to do."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _make_sqlite_folder(url: str) -> None:
    """SQLite creates its file but not the folder it goes in (DECKCHAT_HOME on a first run)."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    def __init__(self, url: str) -> None:
        _make_sqlite_folder(url)
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite's write lock would make every page view and image wait its turn; PostgreSQL's MVCC
        # needs no second engine.
        self._reader = make_engine(url, reads_only=True) if url.startswith("sqlite") else self.engine
        self._reads = sessionmaker(self._reader, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: one consistent snapshot, holding no lock writers wait for."""
        # Closing returns the connection to the pool, which rolls its transaction back; unlike an
        # explicit rollback it leaves loaded objects readable.
        with self._reads() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        self._reader.dispose()
