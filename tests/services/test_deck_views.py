"""Deck views are built in a fixed number of queries: a list of 1, 10 or 100 decks costs the same, and
each view shows what the per-deck lookups (``jobs.latest_job``, the first slide) say it should."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from deckchat.core.deck import DeckStatus, JobStatus
from deckchat.services.accounts import Accounts
from deckchat.services.app_services import Services
from deckchat.services.views import DeckView, media_url
from deckchat.store import decks as deck_rows
from deckchat.store import jobs
from deckchat.store.tables import DeckRow, SlideRow

SIZES = (1, 10, 100)
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every query any engine sends while the block runs (the reader and the writer alike). The BEGIN
    that opens SQLite's read snapshot (store/db.py) is no query: it reads nothing."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() not in _TRANSACTION_CONTROL:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def add_decks(services: Services, count: int, owner_id: str) -> None:
    """``count`` public, ready decks straight through the store, in the states a view tells apart: a
    first ingestion retried (two jobs), a new version on its way, a new version that failed, no slides."""
    with services.db.session() as session:
        for i in range(count):
            new = deck_rows.NewDeck(
                title="Deck",
                visibility="public",
                owner_id=owner_id,
                source_hash=secrets.token_hex(32),
                source_filename="deck.pdf",
                source_format="pdf",
                source_size=1,
            )
            deck = deck_rows.add_deck(session, new)
            deck.status = DeckStatus.READY
            n = i % 4
            for _ in range(1 + (n == 0)):
                jobs.finish(session, jobs.enqueue(session, deck.id))
            if n != 3:
                for number in (2, 1):  # stored out of order: the view shows slide 1's thumbnail
                    session.add(SlideRow(deck_id=deck.id, number=number, **_images()))
            if n in (1, 2):
                replacement = deck_rows.replacement_of(secrets.token_hex(32), "v2.pdf", "pdf", 1, ())
                job = jobs.enqueue(session, deck.id, replacement=replacement)
                if n == 2:
                    jobs.fail(session, job, "corrupt_file", "The new version is damaged.")
            session.flush()


def _images() -> dict[str, Any]:
    return {"image_hash": secrets.token_hex(32), "thumb_hash": secrets.token_hex(32), "width": 4, "height": 3}


def test_a_list_of_decks_costs_two_queries_whatever_its_length(services: Services) -> None:
    owner = Accounts(services.db).add_user("lister@example.com", None)
    costs, added = {}, 0
    for size in SIZES:
        add_decks(services, size - added, owner.id)
        added = size
        with counted_statements() as statements:
            listed = services.decks.decks(owner.id)
        with counted_statements() as public_statements:
            public = services.decks.public_decks(owner.handle)
        assert len(listed) == len(public) == size
        costs[size] = (len(statements), len(public_statements))
    assert set(costs.values()) == {(2, 2)}, costs
    _check_views(services, listed)


def test_one_deck_costs_two_queries(services: Services) -> None:
    owner = Accounts(services.db).add_user("one@example.com", None)
    add_decks(services, 3, owner.id)
    deck_id = services.decks.decks(owner.id)[0].id
    with counted_statements() as statements:
        view = services.decks.get(deck_id)
    assert len(statements) == 2  # the deck, then its jobs and thumbnail
    _check_views(services, [view])


def _check_views(services: Services, views: list[DeckView]) -> None:
    """Each view agrees with the one-deck-at-a-time lookups."""
    with services.db.read() as session:
        for view in views:
            job = jobs.latest_job(session, view.id)
            new_version = jobs.latest_job(session, view.id, replacement=True)
            slides = deck_rows.load_slides(session, view.id)
            assert job is not None and view.progress.job_id == job.id
            assert view.thumbnail == (media_url(slides[0].thumb_hash) if slides else None)
            pending = new_version is not None and new_version.status == JobStatus.QUEUED
            assert (view.replacing is not None) == pending
            assert view.replacing is None or view.replacing.job_id == new_version.id  # type: ignore[union-attr]
            failed = new_version is not None and new_version.status == JobStatus.FAILED
            assert (view.replace_error is not None) == failed
            assert view.url == f"{services.settings.base_url}/d/{session.get_one(DeckRow, view.id).slug}"
