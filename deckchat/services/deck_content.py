"""What a deck shows: its slides, its notes documents, its original file and its images."""

from __future__ import annotations

from pathlib import Path

from deckchat.core.deck import DeckStatus
from deckchat.core.errors import DeckchatError, NotFound
from deckchat.core.text import display_name
from deckchat.services.lookup import find
from deckchat.services.recent import Recent
from deckchat.services.views import NotesDocView, NotesSectionView, SlideView, slide_view
from deckchat.store import decks as deck_rows
from deckchat.store.blobs import BlobStore
from deckchat.store.db import Database


class DeckContent:
    def __init__(self, db: Database, blobs: BlobStore) -> None:
        self._db, self._blobs = db, blobs
        self._slides: Recent[tuple[str, int], tuple[SlideView, ...]] = Recent(600.0, 64)

    def slides(self, ref: str) -> list[SlideView]:
        with self._db.read() as session:
            deck = find(session, ref)
            # A ready version's slides never change (a new version gets a new number): keep a few.
            key, ready = (deck.id, deck.version), deck.status == DeckStatus.READY
            cached = self._slides.get(key)
            if cached is not None:
                return list(cached)
            slides = tuple(slide_view(row.slide()) for row in deck_rows.load_slides(session, deck.id))
        if ready:
            self._slides.put(key, slides)
        return list(slides)

    def notes(self, ref: str) -> list[NotesDocView]:
        with self._db.read() as session:
            deck = find(session, ref)
            return [
                NotesDocView(
                    filename=doc.filename,
                    format=doc.format,
                    sections=[NotesSectionView(list(s.heading_path), s.text) for s in doc.sections],
                )
                for doc in deck_rows.load_notes(session, deck.id)
            ]

    def original(self, ref: str, *, owner: bool = False) -> tuple[Path, str]:
        """The uploaded file and its name, when the presenter allows downloads (or asks themselves)."""
        with self._db.session() as session:
            deck = find(session, ref)
            if not deck.allow_download and not owner:
                raise DeckchatError(
                    "The presenter has not allowed downloads of this deck.",
                    code="download_disabled",
                    status=403,
                )
            # Cleaned again on the way out: rows stored before names were cleaned may still hold one.
            return self._blobs.path(deck.source_hash), display_name(deck.source_filename) or "deck"

    def source_hash(self, ref: str) -> str:
        with self._db.read() as session:
            return find(session, ref).source_hash

    def media_path(self, digest: str) -> Path:
        """The file behind a /media URL; who may see it is the caller's to check (image_decks)."""
        if not self._blobs.exists(digest):
            raise NotFound("No such image.", code="image_not_found")
        return self._blobs.path(digest)
