"""Engines, sessions and migrations on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from deckchat.store.db import Database, make_engine, migrate
from deckchat.store.tables import DeckRow


def test_migrations_create_the_schema_and_rerun_cleanly(db_url: str) -> None:
    db = Database(db_url)
    migrate(db.engine)
    migrate(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"decks", "slides", "notes_documents", "notes_sections", "jobs", "alembic_version"} <= tables
    db.dispose()


def test_migrations_match_the_declared_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from deckchat.store.tables import Base

    db = Database(db_url)
    migrate(db.engine)
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.dispose()


def _decks(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(DeckRow)) or 0


def _row(slug: str) -> DeckRow:
    return DeckRow(
        id=slug,
        slug=slug,
        title=slug,
        source_hash="0" * 64,
        source_filename="a.pdf",
        source_format="pdf",
        source_size=1,
    )


def test_a_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.session() as session:
        session.add(_row("kept"))
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(_row("dropped"))
        session.flush()
        raise RuntimeError("the unit of work failed")
    with db.read() as session:
        assert list(session.scalars(select(DeckRow.id))) == ["kept"]


def test_a_read_sees_the_last_commit_while_a_writer_holds_its_transaction(db: Database) -> None:
    """On SQLite the writer holds the write lock from its first statement (BEGIN IMMEDIATE): a read that
    took a lock too would wait out the 30 s busy timeout and fail instead of answering."""
    with db.session() as session:
        session.add(_row("first"))
    with db.session() as writer:
        writer.add(_row("second"))
        writer.flush()
        assert _decks(db) == 1  # the snapshot: the writer's row is not committed yet
    assert _decks(db) == 2


def test_sqlite_gets_its_folder_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "first" / "run" / "deckchat.db"
    db = Database(f"sqlite:///{path}")
    try:
        migrate(db.engine)
        assert path.is_file()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_a_plain_postgresql_url_uses_psycopg_3() -> None:
    engine = make_engine(
        "postgresql://deckchat@db.example/deckchat"
    )  # builds the engine, connects to nothing
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


@pytest.mark.pg
def test_nodes_starting_together_migrate_a_fresh_postgresql_database_once(pg_database: str) -> None:
    engines = [make_engine(pg_database) for _ in range(3)]
    with ThreadPoolExecutor(len(engines)) as pool:
        list(pool.map(migrate, engines))  # each raises if its upgrade collided with another's
    tables = inspect(engines[0]).get_table_names()
    for engine in engines:
        engine.dispose()
    assert {"decks", "slides", "jobs", "alembic_version"} <= set(tables)
