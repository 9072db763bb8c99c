"""What a deck shows: slides (a ready version's kept), notes, the original file and the images."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deckchat.core.deck import NotesSection
from deckchat.core.errors import DeckchatError
from deckchat.services.app_services import Services
from deckchat.services.views import media_url
from deckchat.store import decks as deck_rows


def _edit(services: Services, deck_id: str, *, title: str, next_version: bool = False) -> None:
    """Change the stored first slide's title behind the service's back (as another process would)."""
    with services.db.session() as session:
        deck_rows.load_slides(session, deck_id)[0].title = title
        if next_version:
            row = deck_rows.find_deck(session, deck_id)
            assert row is not None
            row.version += 1


def test_slides_show_their_images_and_a_ready_versions_slides_are_kept(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Revenue grew.", "Costs fell.")
    with sqlite_services.db.read() as session:
        rows = deck_rows.load_slides(session, deck_id)
    slides = sqlite_services.content.slides(deck_id)
    assert [(s.number, s.text) for s in slides] == [(1, "Revenue grew."), (2, "Costs fell.")]
    assert [(s.image, s.thumbnail) for s in slides] == [
        (media_url(r.image_hash), media_url(r.thumb_hash)) for r in rows
    ]

    _edit(sqlite_services, deck_id, title="Edited")
    assert sqlite_services.content.slides(deck_id)[0].title == "Slide 1"  # the same version: kept
    _edit(sqlite_services, deck_id, title="Edited", next_version=True)
    assert sqlite_services.content.slides(deck_id)[0].title == "Edited"


def test_a_deck_not_ready_has_no_slides_yet_and_nothing_is_kept(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Slide", ready=False)
    assert sqlite_services.content.slides(deck_id) == []
    with pytest.raises(DeckchatError) as missing:
        sqlite_services.content.slides("no-such-deck")
    assert missing.value.code == "deck_not_found"


def test_notes_come_as_documents_of_sections(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    sections = [NotesSection(("Intro",), "Why we met."), NotesSection(("Intro", "Q3"), "Up 4%.")]
    deck_id = stored_deck("Slide", notes=sections)
    [doc] = sqlite_services.content.notes(deck_id)
    assert (doc.filename, doc.format) == ("notes.md", "md")
    assert [(s.heading_path, s.text) for s in doc.sections] == [
        (["Intro"], "Why we met."),
        (["Intro", "Q3"], "Up 4%."),
    ]
    assert sqlite_services.content.notes(stored_deck("Slide", title="No notes")) == []


def test_the_original_is_for_its_owner_unless_downloads_are_allowed(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    content = sqlite_services.content
    deck_id = stored_deck("Slide", title="Q3\u202e review")  # a stored name from before names were cleaned
    with pytest.raises(DeckchatError) as refused:
        content.original(deck_id)
    assert (refused.value.status, refused.value.code) == (403, "download_disabled")
    path, name = content.original(deck_id, owner=True)
    assert path == sqlite_services.blobs.path(content.source_hash(deck_id)) and path.is_file()
    assert name == "Q3 review.pdf"
    with sqlite_services.db.session() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None
        row.allow_download = True
    assert content.original(deck_id) == (path, name)


def test_media_is_served_only_for_stored_blobs(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    deck_id = stored_deck("Slide")
    with sqlite_services.db.read() as session:
        image = deck_rows.load_slides(session, deck_id)[0].image_hash
    assert sqlite_services.content.media_path(image) == sqlite_services.blobs.path(image)
    for digest in ("f" * 64, "../../deckchat.db", "A" * 64):
        with pytest.raises(DeckchatError) as missing:
            sqlite_services.content.media_path(digest)
        assert (missing.value.status, missing.value.code) == (404, "image_not_found")
