"""Deck rows: create, find, list, fill in after ingestion, delete."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import ScalarSelect

from deckchat.core.deck import (
    Deck,
    DeckFormat,
    DeckStatus,
    JobStatus,
    NotesDocument,
    NotesFormat,
    NotesSection,
    Slide,
    Visibility,
)
from deckchat.store.tables import DeckRow, JobRow, NotesDocRow, NotesSectionRow, SlideRow, UserRow


@dataclass(frozen=True, slots=True)
class NewNotes:
    filename: str
    format: NotesFormat
    blob_hash: str


@dataclass(frozen=True, slots=True)
class NewDeck:
    title: str
    visibility: Visibility
    source_hash: str
    source_filename: str
    source_format: DeckFormat
    source_size: int
    notes: tuple[NewNotes, ...] = ()
    description: str = ""
    owner_id: str | None = None
    password_hash: str | None = None
    expires_at: datetime | None = None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "deck"


def add_deck(session: Session, new: NewDeck) -> DeckRow:
    deck = DeckRow(
        id=secrets.token_hex(8),
        # A random tail keeps slugs unique, and unguessable (80 bits) for unlisted decks.
        slug=f"{slugify(new.title)}-{secrets.token_hex(10)}",
        title=new.title,
        description=new.description,
        visibility=new.visibility,
        owner_id=new.owner_id,
        password_hash=new.password_hash,
        expires_at=new.expires_at,
        status=DeckStatus.QUEUED,
        source_hash=new.source_hash,
        source_filename=new.source_filename,
        source_format=new.source_format,
        source_size=new.source_size,
    )
    deck.notes_docs = [
        NotesDocRow(position=i, filename=n.filename, format=n.format, blob_hash=n.blob_hash)
        for i, n in enumerate(new.notes)
    ]
    session.add(deck)
    session.flush()
    return deck


def find_deck(session: Session, ref: str) -> DeckRow | None:
    """A deck by id or slug."""
    return session.scalars(select(DeckRow).where(or_(DeckRow.id == ref, DeckRow.slug == ref))).first()


def list_decks(session: Session, owner_id: str | None = None) -> list[DeckRow]:
    query = select(DeckRow).order_by(DeckRow.created_at.desc(), DeckRow.id)
    if owner_id is not None:
        query = query.where(DeckRow.owner_id == owner_id)
    return list(session.scalars(query))


def public_decks(session: Session, handle: str, now: datetime) -> list[DeckRow]:
    query = (
        select(DeckRow)
        .join(UserRow, UserRow.id == DeckRow.owner_id)
        .where(
            UserRow.handle == handle,
            DeckRow.visibility == Visibility.PUBLIC,
            DeckRow.status == DeckStatus.READY,
            or_(DeckRow.expires_at.is_(None), DeckRow.expires_at > now),
        )
        .order_by(DeckRow.created_at.desc(), DeckRow.id)
    )
    return list(session.scalars(query))


def decks_showing(session: Session, digest: str) -> list[DeckRow]:
    """The decks with a slide whose image or thumbnail is this blob."""
    shown = select(SlideRow.deck_id).where(or_(SlideRow.image_hash == digest, SlideRow.thumb_hash == digest))
    return list(session.scalars(select(DeckRow).where(DeckRow.id.in_(shown))))


def load_slides(session: Session, deck_id: str, numbers: Iterable[int] | None = None) -> list[SlideRow]:
    """The deck's slides in order; only those numbered ``numbers`` when given (an answer's cited ones)."""
    query = select(SlideRow).where(SlideRow.deck_id == deck_id)
    if numbers is not None:
        query = query.where(SlideRow.number.in_(list(numbers)))
    return list(session.scalars(query.order_by(SlideRow.number)))


@dataclass(frozen=True, slots=True)
class DeckState:
    """What a deck's view shows besides its own row: its latest jobs and its first slide's thumbnail."""

    job: JobRow | None  # the latest first-ingestion job
    new_version: JobRow | None  # the latest new-version job
    thumb_hash: str | None


def deck_states(session: Session, deck_ids: Sequence[str]) -> dict[str, DeckState]:
    """The state of every deck in ``deck_ids`` in one query, however many there are: a list of decks
    costs this and the query that found them."""
    if not deck_ids:
        return {}
    jobs: dict[str, dict[bool, JobRow]] = {}
    thumbs: dict[str, str | None] = {}
    for deck_id, thumb, job in session.execute(_STATES, {"deck_ids": list(deck_ids)}):
        thumbs[deck_id] = thumb
        if job is not None:
            jobs.setdefault(deck_id, {})[job.replacement is not None] = job
    return {
        deck_id: DeckState(jobs.get(deck_id, {}).get(False), jobs.get(deck_id, {}).get(True), thumb)
        for deck_id, thumb in thumbs.items()
    }


def _first_thumb() -> ScalarSelect[str]:
    first = select(SlideRow.thumb_hash).where(SlideRow.deck_id == DeckRow.id).order_by(SlideRow.number)
    return first.limit(1).correlate(DeckRow).scalar_subquery()


def _states_query() -> Select[str, str, JobRow]:
    """Each deck's first thumbnail, beside its latest job of each kind (picked as ``jobs.latest_job``
    picks it): a row per job, or one with no job."""
    ids: BindParameter[list[str]] = bindparam("deck_ids", expanding=True)
    rank = func.row_number().over(
        partition_by=(JobRow.deck_id, JobRow.replacement.is_(None)),
        order_by=(JobRow.created_at.desc(), JobRow.id.desc()),
    )
    ranked = select(JobRow, rank.label("rank")).where(JobRow.deck_id.in_(ids)).subquery()
    latest = aliased(JobRow, ranked)
    return (
        select(DeckRow.id, _first_thumb(), latest)
        .select_from(DeckRow)
        .outerjoin(latest, and_(latest.deck_id == DeckRow.id, ranked.c.rank == 1))
        .where(DeckRow.id.in_(ids))
    )


# Built once: building it (the aliased subquery) costs more than running it for one deck.
_STATES = _states_query()


def load_notes(session: Session, deck_id: str) -> list[NotesDocRow]:
    query = (
        select(NotesDocRow)
        .where(NotesDocRow.deck_id == deck_id)
        .options(selectinload(NotesDocRow.sections))
        .order_by(NotesDocRow.position)
    )
    return list(session.scalars(query))


def load_content(session: Session, deck_id: str) -> tuple[list[Slide], list[NotesDocument]]:
    """A ready deck's slides and parsed notes, as ingestion produced them: what its index is built from."""
    slides = [row.slide() for row in load_slides(session, deck_id)]
    notes = [
        NotesDocument(
            filename=d.filename,
            format=NotesFormat(d.format),
            blob_hash=d.blob_hash,
            sections=tuple(NotesSection(tuple(s.heading_path), s.text) for s in d.sections),
        )
        for d in load_notes(session, deck_id)
    ]
    return slides, notes


def set_index(session: Session, deck_row: DeckRow, index_hash: str, suggestions: list[str]) -> None:
    deck_row.index_hash = index_hash
    deck_row.suggested_questions = suggestions


def save_ingested(
    session: Session,
    deck_row: DeckRow,
    deck: Deck,
    *,
    keep_title: bool,
    index_hash: str,
    suggestions: list[str],
) -> None:
    """Replace the deck's slides, notes sections and index with a finished ingestion, and mark it ready."""
    session.execute(delete(SlideRow).where(SlideRow.deck_id == deck_row.id))
    session.add_all(SlideRow.of(deck_row.id, slide) for slide in deck.slides)
    # Parsed notes come back in upload order, the order their rows were created in.
    for doc, parsed in zip(load_notes(session, deck_row.id), deck.notes, strict=True):
        doc.format = parsed.format
        doc.sections = [
            NotesSectionRow(position=i, heading_path=list(section.heading_path), text=section.text)
            for i, section in enumerate(parsed.sections)
        ]
    if not keep_title and deck.title:
        deck_row.title = deck.title
    deck_row.slide_count = len(deck.slides)
    set_index(session, deck_row, index_hash, suggestions)
    deck_row.status = DeckStatus.READY
    deck_row.error_code = deck_row.error_message = None


def replacement_of(
    source_hash: str, filename: str, fmt: DeckFormat, size: int, notes: tuple[NewNotes, ...]
) -> dict[str, Any]:
    """What a new-version job carries (``JobRow.replacement``)."""
    return {
        "source_hash": source_hash,
        "source_filename": filename,
        "source_format": fmt,
        "source_size": size,
        "notes": [{"filename": n.filename, "format": n.format, "blob_hash": n.blob_hash} for n in notes],
    }


def replacement_notes(replacement: dict[str, Any]) -> list[NewNotes]:
    return [NewNotes(n["filename"], NotesFormat(n["format"]), n["blob_hash"]) for n in replacement["notes"]]


def apply_version(session: Session, deck_row: DeckRow, replacement: dict[str, Any]) -> set[str]:
    """Point the deck at a new version's source and notes, before ``save_ingested`` fills in its
    slides; returns the blob hashes the old version referenced, for the caller to collect."""
    old = referenced_blobs(session, deck_row)
    deck_row.source_hash = replacement["source_hash"]
    deck_row.source_filename = replacement["source_filename"]
    deck_row.source_format = replacement["source_format"]
    deck_row.source_size = replacement["source_size"]
    deck_row.notes_docs = [
        NotesDocRow(position=i, filename=n.filename, format=n.format, blob_hash=n.blob_hash)
        for i, n in enumerate(replacement_notes(replacement))
    ]
    deck_row.version += 1
    session.flush()
    return old


def referenced_blobs(session: Session, deck: DeckRow) -> set[str]:
    hashes = {deck.source_hash, *([deck.index_hash] if deck.index_hash else [])}
    hashes.update(h for s in load_slides(session, deck.id) for h in (s.image_hash, s.thumb_hash))
    hashes.update(doc.blob_hash for doc in load_notes(session, deck.id))
    return hashes


def delete_deck(session: Session, deck: DeckRow) -> set[str]:
    """Delete a deck and return the blob hashes it referenced, for the caller to collect."""
    hashes = referenced_blobs(session, deck)
    for job in deck.jobs:  # a replacement that never became ready still holds its uploads
        if job.replacement:
            hashes.add(job.replacement["source_hash"])
            hashes.update(n.blob_hash for n in replacement_notes(job.replacement))
    session.delete(deck)
    session.flush()
    return hashes


def blob_in_use(session: Session, digest: str) -> bool:
    checks = (
        exists().where(or_(DeckRow.source_hash == digest, DeckRow.index_hash == digest)),
        exists().where(or_(SlideRow.image_hash == digest, SlideRow.thumb_hash == digest)),
        exists().where(NotesDocRow.blob_hash == digest),
    )
    if any(session.scalar(select(check)) for check in checks):
        return True
    pending = select(JobRow.replacement).where(
        JobRow.replacement.is_not(None), JobRow.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
    )
    for replacement in session.scalars(pending):  # uploads of a new version not yet ready
        if replacement and digest in {
            replacement["source_hash"],
            *(n["blob_hash"] for n in replacement["notes"]),
        }:
            return True
    return False
