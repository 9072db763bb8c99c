"""A deck's life: add, find and list, change, replace with a new version, remove."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from deckchat.core.deck import DeckStatus, JobStatus, NotesFormat, Visibility
from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.core.limits import Limits
from deckchat.core.text import display_name
from deckchat.ingest.validate import SourceFile, validate_deck, validate_notes
from deckchat.services.access_cache import AccessCache
from deckchat.services.accounts import password_matches
from deckchat.services.changes import DeckChanges
from deckchat.services.deck_access import as_utc, visibility_password
from deckchat.services.deck_views import DeckViews
from deckchat.services.lookup import find
from deckchat.services.quota import Quota
from deckchat.services.views import DeckView
from deckchat.store import decks as deck_rows
from deckchat.store import jobs
from deckchat.store.blobs import BlobStore
from deckchat.store.db import Database

# The settings people read as labels: no format characters, whitespace tidied.
_DISPLAYED: dict[str, Callable[[str], str]] = {
    "title": display_name,
    "description": partial(display_name, multiline=True),
}


class DeckService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        *,
        views: DeckViews,
        access: AccessCache,
        quota: Quota,
        limits: Limits,
        job_lease_s: float,
    ) -> None:
        self._db, self._blobs = db, blobs
        self._views, self._access, self._quota = views, access, quota
        self._limits, self._job_lease_s = limits, job_lease_s

    def add(
        self,
        deck: SourceFile,
        notes: Sequence[SourceFile] = (),
        *,
        title: str | None = None,
        description: str = "",
        visibility: Visibility = Visibility.UNLISTED,
        owner_id: str | None = None,
        password: str | None = None,
        expires_at: datetime | None = None,
        worker: str | None = None,
    ) -> tuple[str, str]:
        """Check the files, store them durably, and queue their ingestion; returns (deck id, job id).

        ``owner_id`` is the presenter's user id. With ``worker`` the job is claimed by that worker at
        once (the CLI runs it in-process).
        """
        limits = self._limits
        fmt = validate_deck(deck, limits)
        notes_formats = [validate_notes(item, limits) for item in notes]
        password_hash = visibility_password(visibility, password, None)
        if owner_id is not None:
            self._quota.check(owner_id, deck.path.stat().st_size, new_deck=True)
        # Blobs first, rows second: a crash in between leaves an unreferenced file, never a row
        # pointing at nothing.
        source_hash = self._blobs.put_file(deck.path)
        notes_rows = self._store_notes(notes, notes_formats)
        new = deck_rows.NewDeck(
            title=display_name(title or "") or Path(deck.filename).stem,
            description=display_name(description, multiline=True),
            visibility=visibility,
            owner_id=owner_id,
            password_hash=password_hash,
            expires_at=as_utc(expires_at),
            source_hash=source_hash,
            source_filename=deck.filename,
            source_format=fmt,
            source_size=deck.path.stat().st_size,
            notes=notes_rows,
        )
        with self._db.session() as session:
            row = deck_rows.add_deck(session, new)
            job = jobs.enqueue(session, row.id, owner=worker, lease_s=self._job_lease_s)
            if worker:
                row.status = DeckStatus.PROCESSING
            return row.id, job.id

    def _store_notes(
        self, notes: Sequence[SourceFile], formats: Sequence[NotesFormat]
    ) -> tuple[deck_rows.NewNotes, ...]:
        """Each checked notes file into the blob store, as the rows that will point at it."""
        return tuple(
            deck_rows.NewNotes(item.filename, fmt, self._blobs.put_file(item.path))
            for item, fmt in zip(notes, formats, strict=True)
        )

    def get(self, ref: str) -> DeckView:
        """A deck by id or slug. A ready deck's view is remembered like ``image_decks``' answers (every
        request of a viewer checks its deck): this process's changes forget it at once."""
        cached = self._access.views.get(ref)
        if cached is not None:
            return cached
        generation = self._access.views.generation
        with self._db.read() as session:
            view = self._views.one(session, find(session, ref))
        if view.status == DeckStatus.READY and view.replacing is None:
            self._access.views.put(ref, view, generation)
        return view

    def decks(self, owner_id: str | None = None) -> list[DeckView]:
        """Every deck, or one presenter's."""
        with self._db.read() as session:
            return self._views.many(session, deck_rows.list_decks(session, owner_id))

    def public_decks(self, handle: str) -> list[DeckView]:
        """The decks a presenter lists on their page: public, ready and not expired."""
        with self._db.read() as session:
            return self._views.many(session, deck_rows.public_decks(session, handle, datetime.now(UTC)))

    def replace(self, ref: str, deck: SourceFile, notes: Sequence[SourceFile] = ()) -> tuple[str, str]:
        """Queue a new version of a deck under the same link; returns (deck id, job id).

        The deck keeps serving its current version until the new one is ready; if the new one fails,
        the current one stays and the reason shows as the deck's ``replace_error``.
        """
        limits = self._limits
        fmt = validate_deck(deck, limits)
        notes_formats = [validate_notes(item, limits) for item in notes]
        with self._db.session() as session:
            row = find(session, ref)
            owner_id = row.owner_id
            pending = jobs.latest_job(session, row.id, replacement=True)
            if row.status in (DeckStatus.QUEUED, DeckStatus.PROCESSING) or (
                pending and pending.status in (JobStatus.QUEUED, JobStatus.RUNNING)
            ):
                raise DeckchatError(
                    f"The deck {row.slug} is still being processed; replace it once that has finished.",
                    code="deck_busy",
                    status=409,
                )
        if owner_id is not None:
            self._quota.check(owner_id, deck.path.stat().st_size, new_deck=False)
        source_hash = self._blobs.put_file(deck.path)
        new_notes = self._store_notes(notes, notes_formats)
        replacement = deck_rows.replacement_of(
            source_hash, deck.filename, fmt, deck.path.stat().st_size, new_notes
        )
        with self._db.session() as session:
            row = find(session, ref)
            job = jobs.enqueue(session, row.id, lease_s=self._job_lease_s, replacement=replacement)
            ids = row.id, job.id
        self._access.views.clear()  # the deck now shows a new version on its way
        return ids

    def update(self, ref: str, changes: DeckChanges) -> DeckView:
        """Change a deck's title, description, visibility, notes mode or download setting."""
        changes = dict(changes)  # type: ignore[assignment]
        password = changes.pop("password", None)
        if changes.get("expires_at") is not None:
            changes["expires_at"] = as_utc(changes["expires_at"])
        with self._db.session() as session:
            deck = find(session, ref)
            for name, value in changes.items():
                shown = _DISPLAYED.get(name)
                setattr(deck, name, shown(value) if shown and isinstance(value, str) else value)
            if not deck.title:
                raise InvalidInput("A deck's title cannot be empty.", code="empty_title")
            deck.password_hash = visibility_password(deck.visibility, password, deck.password_hash)
            session.flush()
            view = self._views.one(session, deck)
        self._access.forget()
        return view

    def check_password(self, ref: str, password: str) -> DeckView:
        """The deck, if ``password`` is its password; 401 otherwise."""
        with self._db.session() as session:
            deck = find(session, ref)
            if deck.visibility != Visibility.PASSWORD or not password_matches(deck.password_hash, password):
                raise DeckchatError("That is not the deck's password.", code="wrong_password", status=401)
            return self._views.one(session, deck)

    def remove(self, ref: str) -> str:
        """Delete a deck and any blob files no other deck uses; returns the deck's id."""
        with self._db.session() as session:
            deck = find(session, ref)
            deck_id = deck.id
            hashes = deck_rows.delete_deck(session, deck)
        self.collect_blobs(hashes)
        return deck_id

    def collect_blobs(self, hashes: set[str]) -> None:
        """Delete the blob files among ``hashes`` that nothing refers to any more."""
        self._access.forget()  # the deck is gone or shows other images now
        with self._db.session() as session:
            unused = [digest for digest in hashes if not deck_rows.blob_in_use(session, digest)]
        for digest in unused:
            self._blobs.delete(digest)
