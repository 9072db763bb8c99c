"""An access change announced by one process reaches the others sharing its PostgreSQL database;
a process ignores its own, and on SQLite there is nobody to tell."""

from __future__ import annotations

import threading
import time

import pytest

from deckchat.store.changes import Changes
from deckchat.store.db import Database


def _listening(db: Database, url: str) -> tuple[Changes, threading.Event]:
    heard = threading.Event()
    changes = Changes(db, url)
    changes.listen(heard.set)
    return changes, heard


def _wait_until_listening(announcer: Changes, heard: threading.Event) -> None:
    """LISTEN runs on the listener's own thread: announce until it hears, then start afresh."""
    deadline = time.monotonic() + 30
    while not heard.wait(0.2):
        assert time.monotonic() < deadline, "the listener never heard anything"
        announcer.announce()
    heard.clear()


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_another_process_hears_each_change_and_not_its_own(db: Database, db_url: str) -> None:
    # How fast is for tests/test_nodes.py, with real server processes; this checks who hears what.
    node_a = Changes(db, db_url)
    node_b, heard = _listening(db, db_url)
    try:
        _wait_until_listening(node_a, heard)
        node_a.announce()
        assert heard.wait(10)
        heard.clear()
        node_b.announce()  # its own: nothing to forget
        assert not heard.wait(1.5)
    finally:
        node_b.stop()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_has_nobody_to_tell(db: Database, db_url: str) -> None:
    heard = threading.Event()
    changes = Changes(db, db_url)
    changes.listen(heard.set)
    changes.announce()  # runs no SQL that SQLite lacks
    assert not heard.wait(0.5)
    changes.stop()
