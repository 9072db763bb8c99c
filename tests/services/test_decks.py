"""A deck's life through DeckService: add, get (kept while ready), update, passwords, replace, remove."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from deckchat.core.deck import DeckStatus, Visibility
from deckchat.core.errors import DeckchatError
from deckchat.ingest.validate import SourceFile
from deckchat.services.app_services import Services
from deckchat.store import decks as deck_rows
from deckchat.store import jobs
from tests.ingest.hostile import pages_pdf, text_file


def _file(path: Path) -> SourceFile:
    return SourceFile(path, path.name)


def _error(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[int, str]:
    with pytest.raises(DeckchatError) as caught:
        call(*args, **kwargs)
    return caught.value.status, caught.value.code


def _set_title_behind_its_back(services: Services, deck_id: str, title: str) -> None:
    with services.db.session() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None
        row.title = title


def test_add_stores_the_files_and_queues_the_deck(sqlite_services: Services, tmp_path: Path) -> None:
    deck, notes = pages_pdf(tmp_path, 2, name="q3\u200b review.pdf"), text_file(tmp_path)
    deck_id, job_id = sqlite_services.decks.add(_file(deck), [_file(notes)], description=" Why \n we met ")
    view = sqlite_services.decks.get(deck_id)
    assert (view.title, view.description, view.status, view.progress.job_id) == (
        "q3 review",  # the file's name, without its format characters
        "Why\nwe met",
        DeckStatus.QUEUED,
        job_id,
    )
    assert sqlite_services.blobs.exists(sqlite_services.content.source_hash(deck_id))
    with sqlite_services.db.read() as session:
        [stored_notes] = deck_rows.load_notes(session, deck_id)
        assert sqlite_services.blobs.path(stored_notes.blob_hash).read_bytes() == notes.read_bytes()
    worked, _job = sqlite_services.decks.add(_file(deck), title="In process", worker="me")
    assert sqlite_services.decks.get(worked).status == DeckStatus.PROCESSING
    assert [v.id for v in sqlite_services.decks.decks()] == [worked, deck_id]  # newest first


def test_a_password_deck_needs_a_password_and_checks_it(sqlite_services: Services, tmp_path: Path) -> None:
    deck = _file(pages_pdf(tmp_path))
    assert _error(sqlite_services.decks.add, deck, visibility=Visibility.PASSWORD) == (
        422,
        "password_missing",
    )
    assert sqlite_services.decks.decks() == []
    deck_id, _ = sqlite_services.decks.add(deck, visibility=Visibility.PASSWORD, password="correct horse")
    assert sqlite_services.decks.check_password(deck_id, "correct horse").id == deck_id
    assert _error(sqlite_services.decks.check_password, deck_id, "wrong horse") == (401, "wrong_password")
    sqlite_services.decks.update(deck_id, {"password": "battery staple"})
    assert _error(sqlite_services.decks.check_password, deck_id, "correct horse") == (401, "wrong_password")
    sqlite_services.decks.update(deck_id, {"visibility": Visibility.PUBLIC})
    assert _error(sqlite_services.decks.check_password, deck_id, "battery staple") == (401, "wrong_password")


def test_update_cleans_labels_keeps_instants_in_utc_and_refuses_an_empty_title(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Slide")
    expires = datetime(2027, 1, 31, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    view = sqlite_services.decks.update(deck_id, {"title": "  Q3\u202e  review ", "expires_at": expires})
    assert view.title == "Q3 review" and view.expires_at == datetime(2027, 1, 31, 17, 0, tzinfo=UTC)
    assert _error(sqlite_services.decks.update, deck_id, {"title": "\u200b "}) == (422, "empty_title")
    assert sqlite_services.decks.get(deck_id).title == "Q3 review"  # the refused change left nothing behind


def test_a_ready_view_is_kept_until_this_process_changes_the_deck(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    ready, queued = stored_deck("Slide", title="Ready"), stored_deck("Slide", title="Queued", ready=False)
    assert sqlite_services.decks.get(ready).title == "Ready"
    sqlite_services.decks.get(queued)
    for deck_id in (ready, queued):
        _set_title_behind_its_back(sqlite_services, deck_id, "Changed elsewhere")
    assert sqlite_services.decks.get(ready).title == "Ready"  # within access_cache_s
    assert sqlite_services.decks.get(queued).title == "Changed elsewhere"  # not ready: never kept
    sqlite_services.decks.update(ready, {"description": "New"})
    assert sqlite_services.decks.get(ready).title == "Changed elsewhere"


def test_a_new_version_waits_for_the_current_one_and_keeps_the_deck_serving(
    sqlite_services: Services, stored_deck: Callable[..., str], tmp_path: Path
) -> None:
    new = _file(pages_pdf(tmp_path, name="v2.pdf"))
    busy = stored_deck("Slide", title="Busy", ready=False)
    assert _error(sqlite_services.decks.replace, busy, new) == (409, "deck_busy")
    deck_id = stored_deck("Slide")
    sqlite_services.decks.get(deck_id)
    same_id, job_id = sqlite_services.decks.replace(deck_id, new)
    view = sqlite_services.decks.get(deck_id)
    assert same_id == deck_id and view.status == DeckStatus.READY
    assert view.replacing is not None and view.replacing.job_id == job_id
    with sqlite_services.db.read() as session:
        job = jobs.latest_job(session, deck_id, replacement=True)
        assert job is not None and job.replacement is not None
        assert job.replacement["source_filename"] == "v2.pdf"
    assert _error(sqlite_services.decks.replace, deck_id, new) == (409, "deck_busy")


def test_remove_deletes_the_blobs_no_other_deck_uses(sqlite_services: Services, tmp_path: Path) -> None:
    deck = _file(pages_pdf(tmp_path))
    first, _ = sqlite_services.decks.add(deck)
    second, _ = sqlite_services.decks.add(deck)
    source = sqlite_services.content.source_hash(first)
    assert sqlite_services.decks.remove(first) == first
    assert sqlite_services.blobs.exists(source)  # the second deck is the same file
    assert _error(sqlite_services.decks.get, first) == (404, "deck_not_found")
    sqlite_services.decks.remove(second)
    assert not sqlite_services.blobs.exists(source)
