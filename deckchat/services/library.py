"""The deck library: add, list, show and remove decks, over the store and the blob files."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from deckchat.core.access import DeckFacts
from deckchat.core.deck import DeckStatus, JobStatus, Stage, Visibility
from deckchat.core.errors import DeckchatError, DeckNotFound, InvalidInput, NotFound
from deckchat.core.text import display_name
from deckchat.ingest.validate import SourceFile, validate_deck, validate_notes
from deckchat.services.accounts import hash_password, password_matches
from deckchat.services.changes import DeckChanges
from deckchat.services.recent import Recent
from deckchat.services.views import (
    DeckView,
    ErrorView,
    NotesDocView,
    NotesSectionView,
    ProgressView,
    SlideView,
    media_url,
    slide_view,
)
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows
from deckchat.store import jobs
from deckchat.store.accounts import owner_usage
from deckchat.store.blobs import BlobStore
from deckchat.store.db import Database, migrate
from deckchat.store.tables import DeckRow, JobRow

log = logging.getLogger(__name__)


# The settings people read as labels: no format characters, whitespace tidied.
_DISPLAYED: dict[str, Callable[[str], str]] = {
    "title": display_name,
    "description": partial(display_name, multiline=True),
}


class Library:
    def __init__(self, settings: Settings, *, migrate_schema: bool = True) -> None:
        self.settings = settings
        self.db = Database(settings.db_url)
        if migrate_schema:
            migrate(self.db.engine)
        self.blobs = BlobStore(settings.blob_dir)
        # Every slide image request asks who may see it. This process forgets the answer whenever it
        # changes a deck's access or stops showing images; a change made by another process (a CLI
        # `rm`, a second server) shows within access_cache_s.
        self._image_decks: Recent[str, list[DeckFacts]] = Recent(settings.access_cache_s, 10_000)
        self._views: Recent[str, DeckView] = Recent(settings.access_cache_s, 1_000)
        self._slides: Recent[tuple[str, int], tuple[SlideView, ...]] = Recent(600.0, 64)

    def close(self) -> None:
        self.db.dispose()

    @contextmanager
    def scratch(self, prefix: str = "upload-") -> Iterator[Path]:
        """A private temp folder inside DECKCHAT_HOME, removed afterwards.

        Its name carries our pid, so ``sweep_scratch`` can tell folders left by a killed process.
        """
        self.settings.work_dir.mkdir(parents=True, exist_ok=True)  # made here, not when the library opens
        path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=self.settings.work_dir))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def sweep_scratch(self) -> int:
        """Remove scratch folders whose process is gone; returns how many."""
        swept = 0
        for folder in self.settings.work_dir.iterdir():
            pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
            if pid.isdigit() and not jobs.process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                swept += 1
        return swept

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
        limits = self.settings.limits
        fmt = validate_deck(deck, limits)
        notes_formats = [validate_notes(item, limits) for item in notes]
        password_hash = _visibility_password(visibility, password, None)
        if owner_id is not None:
            self._check_quota(owner_id, deck.path.stat().st_size, new_deck=True)
        # Blobs first, rows second: a crash in between leaves an unreferenced file, never a row
        # pointing at nothing.
        source_hash = self.blobs.put_file(deck.path)
        notes_rows = tuple(
            deck_rows.NewNotes(item.filename, fmt_, self.blobs.put_file(item.path))
            for item, fmt_ in zip(notes, notes_formats, strict=True)
        )
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
        with self.db.session() as session:
            row = deck_rows.add_deck(session, new)
            job = jobs.enqueue(session, row.id, owner=worker, lease_s=self.settings.job_lease_s)
            if worker:
                row.status = DeckStatus.PROCESSING
            return row.id, job.id

    def get(self, ref: str) -> DeckView:
        """A deck by id or slug. A ready deck's view is remembered like ``image_decks``' answers (every
        request of a viewer checks its deck): this process's changes forget it at once."""
        cached = self._views.get(ref)
        if cached is not None:
            return cached
        generation = self._views.generation
        with self.db.read() as session:
            view = self._view(session, self.find(session, ref))
        if view.status == DeckStatus.READY and view.replacing is None:
            self._views.put(ref, view, generation)
        return view

    def decks(self, owner_id: str | None = None) -> list[DeckView]:
        """Every deck, or one presenter's."""
        with self.db.read() as session:
            return [self._view(session, row) for row in deck_rows.list_decks(session, owner_id)]

    def public_decks(self, handle: str) -> list[DeckView]:
        """The decks a presenter lists on their page: public, ready and not expired."""
        with self.db.read() as session:
            rows = deck_rows.public_decks(session, handle, datetime.now(UTC))
            return [self._view(session, row) for row in rows]

    def image_decks(self, digest: str) -> list[DeckFacts]:
        """Who may see an image: the access facts of every deck that shows it (none: no such image)."""
        cached = self._image_decks.get(digest)
        if cached is not None:
            return cached
        generation = self._image_decks.generation
        with self.db.read() as session:
            facts = [facts_of(row) for row in deck_rows.decks_showing(session, digest)]
        if facts:  # an image not shown yet may be a moment from being shown: never remember a miss
            self._image_decks.put(digest, facts, generation)
        return facts

    def _forget_access(self) -> None:
        self._image_decks.clear()
        self._views.clear()

    def recent_image_decks(self, digest: str) -> list[DeckFacts] | None:
        """What ``image_decks`` answered a moment ago, without the database; None when unknown."""
        return self._image_decks.get(digest)

    def slides(self, ref: str) -> list[SlideView]:
        with self.db.read() as session:
            deck = self.find(session, ref)
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
        with self.db.read() as session:
            deck = self.find(session, ref)
            return [
                NotesDocView(
                    filename=doc.filename,
                    format=doc.format,
                    sections=[NotesSectionView(list(s.heading_path), s.text) for s in doc.sections],
                )
                for doc in deck_rows.load_notes(session, deck.id)
            ]

    def replace(self, ref: str, deck: SourceFile, notes: Sequence[SourceFile] = ()) -> tuple[str, str]:
        """Queue a new version of a deck under the same link; returns (deck id, job id).

        The deck keeps serving its current version until the new one is ready; if the new one fails,
        the current one stays and the reason shows as the deck's ``replace_error``.
        """
        limits = self.settings.limits
        fmt = validate_deck(deck, limits)
        notes_formats = [validate_notes(item, limits) for item in notes]
        with self.db.session() as session:
            row = self.find(session, ref)
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
            self._check_quota(owner_id, deck.path.stat().st_size, new_deck=False)
        source_hash = self.blobs.put_file(deck.path)
        new_notes = tuple(
            deck_rows.NewNotes(item.filename, fmt_, self.blobs.put_file(item.path))
            for item, fmt_ in zip(notes, notes_formats, strict=True)
        )
        replacement = deck_rows.replacement_of(
            source_hash, deck.filename, fmt, deck.path.stat().st_size, new_notes
        )
        with self.db.session() as session:
            row = self.find(session, ref)
            job = jobs.enqueue(session, row.id, lease_s=self.settings.job_lease_s, replacement=replacement)
            ids = row.id, job.id
        self._views.clear()  # the deck now shows a new version on its way
        return ids

    def update(self, ref: str, changes: DeckChanges) -> DeckView:
        """Change a deck's title, description, visibility, notes mode or download setting."""
        changes = dict(changes)  # type: ignore[assignment]
        password = changes.pop("password", None)
        if changes.get("expires_at") is not None:
            changes["expires_at"] = as_utc(changes["expires_at"])
        with self.db.session() as session:
            deck = self.find(session, ref)
            for name, value in changes.items():
                shown = _DISPLAYED.get(name)
                setattr(deck, name, shown(value) if shown and isinstance(value, str) else value)
            if not deck.title:
                raise InvalidInput("A deck's title cannot be empty.", code="empty_title")
            deck.password_hash = _visibility_password(deck.visibility, password, deck.password_hash)
            session.flush()
            view = self._view(session, deck)
        self._forget_access()
        return view

    def check_password(self, ref: str, password: str) -> DeckView:
        """The deck, if ``password`` is its password; 401 otherwise."""
        with self.db.session() as session:
            deck = self.find(session, ref)
            if deck.visibility != Visibility.PASSWORD or not password_matches(deck.password_hash, password):
                raise DeckchatError("That is not the deck's password.", code="wrong_password", status=401)
            return self._view(session, deck)

    def original(self, ref: str, *, owner: bool = False) -> tuple[Path, str]:
        """The uploaded file and its name, when the presenter allows downloads (or asks themselves)."""
        with self.db.session() as session:
            deck = self.find(session, ref)
            if not deck.allow_download and not owner:
                raise DeckchatError(
                    "The presenter has not allowed downloads of this deck.",
                    code="download_disabled",
                    status=403,
                )
            # Cleaned again on the way out: rows stored before names were cleaned may still hold one.
            return self.blobs.path(deck.source_hash), display_name(deck.source_filename) or "deck"

    def remove(self, ref: str) -> str:
        """Delete a deck and any blob files no other deck uses; returns the deck's id."""
        with self.db.session() as session:
            deck = self.find(session, ref)
            deck_id = deck.id
            hashes = deck_rows.delete_deck(session, deck)
        self.collect_blobs(hashes)
        return deck_id

    def collect_blobs(self, hashes: set[str]) -> None:
        """Delete the blob files among ``hashes`` that nothing refers to any more."""
        self._forget_access()  # the deck is gone or shows other images now
        with self.db.session() as session:
            unused = [digest for digest in hashes if not deck_rows.blob_in_use(session, digest)]
        for digest in unused:
            self.blobs.delete(digest)

    def media_path(self, digest: str) -> Path:
        """The file behind a /media URL; who may see it is the caller's to check (image_decks)."""
        if not self.blobs.exists(digest):
            raise NotFound("No such image.", code="image_not_found")
        return self.blobs.path(digest)

    def _check_quota(self, owner_id: str, size: int, *, new_deck: bool) -> None:
        with self.db.session() as session:
            count, used = owner_usage(session, owner_id)
        settings = self.settings
        if new_deck and count >= settings.max_decks_per_owner:
            raise DeckchatError(
                f"You have {count} decks, the most this server allows; delete one to add another.",
                code="quota_exceeded",
                status=403,
            )
        if used + size > settings.max_bytes_per_owner:
            raise DeckchatError(
                f"This upload would bring your files to {(used + size) / 1e6:.0f} MB, over this server's "
                f"{settings.max_bytes_per_owner / 1e6:.0f} MB a presenter; delete a deck first.",
                code="quota_exceeded",
                status=403,
            )

    def source_hash(self, ref: str) -> str:
        with self.db.read() as session:
            return self.find(session, ref).source_hash

    def find_ready(self, session: Session, ref: str) -> DeckRow:
        """A deck that can be asked: ingested (its index is rebuilt on demand if missing)."""
        deck = self.find(session, ref)
        if deck.status != DeckStatus.READY:
            raise DeckchatError(
                f"The deck {deck.slug} is {deck.status}, not ready for questions yet.",
                code="deck_not_ready",
                status=409,
            )
        return deck

    def deck_url(self, slug: str) -> str:
        return f"{self.settings.base_url}/d/{slug}"

    def find(self, session: Session, ref: str) -> DeckRow:
        deck = deck_rows.find_deck(session, ref)
        if deck is None:
            raise DeckNotFound()
        return deck

    def _view(self, session: Session, deck: DeckRow) -> DeckView:
        job = jobs.latest_job(session, deck.id)
        new_version = jobs.latest_job(session, deck.id, replacement=True)
        first = deck_rows.first_slide(session, deck.id)
        return DeckView(
            id=deck.id,
            slug=deck.slug,
            title=deck.title,
            description=deck.description,
            visibility=deck.visibility,
            owner_id=deck.owner_id,
            has_password=deck.password_hash is not None,
            expires_at=as_utc(deck.expires_at),
            password_stamp=password_stamp(deck.password_hash),
            status=deck.status,
            slide_count=deck.slide_count,
            source_filename=deck.source_filename,
            source_format=deck.source_format,
            url=self.deck_url(deck.slug),
            thumbnail=media_url(first.thumb_hash) if first else None,
            progress=_progress(job) if job else ProgressView(job_id=None, stage=Stage.DONE, done=0, total=0),
            error=ErrorView(deck.error_code, deck.error_message or "") if deck.error_code else None,
            created_at=deck.created_at,
            notes_mode=deck.notes_mode,
            suggested_questions=list(deck.suggested_questions or []),
            allow_download=deck.allow_download,
            download_url=f"/api/decks/{deck.id}/original" if deck.allow_download else None,
            version=deck.version,
            replacing=_progress(new_version)
            if new_version and new_version.status in (JobStatus.QUEUED, JobStatus.RUNNING)
            else None,
            replace_error=(
                ErrorView(new_version.error_code, new_version.error_message or "")
                if new_version and new_version.status == JobStatus.FAILED and new_version.error_code
                else None
            ),
            updated_at=deck.updated_at,
        )


def password_stamp(password_hash: str | None) -> str | None:
    """Changes with the password: a viewer's unlock names it, so a new password locks them out again."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16] if password_hash else None


def facts_of(deck: DeckRow | DeckView) -> DeckFacts:
    stamp = password_stamp(deck.password_hash) if isinstance(deck, DeckRow) else deck.password_stamp
    return DeckFacts(deck.id, deck.owner_id, Visibility(deck.visibility), as_utc(deck.expires_at), stamp)


def as_utc(when: datetime | None) -> datetime | None:
    """``when`` in UTC, a naive one read as UTC: SQLite hands back naive ones for what was stored in UTC.
    Stored as UTC because SQLite drops the offset and keeps the wall time (18:00+01:00 came back as
    18:00 UTC)."""
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _visibility_password(visibility: Visibility, password: str | None, current: str | None) -> str | None:
    """The password hash a deck keeps: a new password's, else the current one; the password
    visibility without any is refused."""
    if password is not None:
        return hash_password(password)
    if visibility == Visibility.PASSWORD and current is None:
        raise InvalidInput("A deck shown by password needs a password.", code="password_missing")
    return current


def _progress(job: JobRow) -> ProgressView:
    return ProgressView(job_id=job.id, stage=job.stage, done=job.done, total=job.total)
