"""Telling every process sharing a PostgreSQL database that deck access changed, within a second.

Each process remembers who may see an image for a few seconds (services/access_cache.py). A change made
by one web node (a deck made private, deleted, replaced) must reach the others at once, not when their
memory lapses: the node that made it runs ``NOTIFY`` after its commit, and every node keeps one
connection ``LISTEN``ing. PostgreSQL delivers notifications to listeners only after the notifying
transaction commits, in commit order, so a listener that forgets on receipt never re-reads the old
state. On SQLite (one machine) there is nobody to tell beyond the processes' short cache lifetime
(DECKCHAT_ACCESS_CACHE_S), which stays the fallback everywhere, also while a listener reconnects.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import text

from deckchat.store.db import Database

log = logging.getLogger(__name__)
CHANNEL = "deckchat_access"
_WAIT_S = 0.5  # how often the listening thread looks up from the socket to see whether to stop
_RETRY_S = 2.0


def shared(url: str) -> bool:
    """Whether other processes on other hosts may share this database (and so need telling)."""
    return url.startswith("postgresql")


class Changes:
    """Announces this process's access changes and hears those of the others."""

    def __init__(self, db: Database, url: str) -> None:
        self._db, self._url = db, url
        self.sender = f"{os.getpid()}-{secrets.token_hex(4)}"  # to ignore our own announcements
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def announce(self) -> None:
        """Tell the other processes; call it after the change has committed."""
        if not shared(self._url):
            return
        with self._db.session() as session:
            session.execute(
                text("SELECT pg_notify(:channel, :sender)"), {"channel": CHANNEL, "sender": self.sender}
            )

    def listen(self, on_change: Callable[[], None]) -> None:
        """Call ``on_change`` (from a thread of its own) whenever another process announces a change,
        and once after each reconnection, since announcements made meanwhile were lost."""
        if not shared(self._url) or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, args=(on_change,), name="access-changes", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, on_change: Callable[[], None]) -> None:
        dsn = self._url.replace("postgresql+psycopg://", "postgresql://", 1)
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    if not first:
                        on_change()
                    first = False
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=_WAIT_S):
                            if note.payload != self.sender:
                                on_change()
            except psycopg.Error as error:
                log.warning("listening for access changes failed (%s); retrying in %.0f s", error, _RETRY_S)
                first = False
                self._stop.wait(_RETRY_S)
