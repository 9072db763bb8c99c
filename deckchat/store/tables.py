"""The SQL schema, as SQLAlchemy 2 typed mappings. Alembic migrations are generated from these."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from deckchat.core.boxes import TextLine, decode_lines, encode_lines
from deckchat.core.chat import NotesMode
from deckchat.core.deck import (
    DeckFormat,
    DeckStatus,
    JobStatus,
    NotesFormat,
    Slide,
    Stage,
    Visibility,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class EnumText(TypeDecorator[StrEnum]):
    """A core enum stored as its value in a plain VARCHAR column (no database enum type, so a new member
    needs no migration), and read back as the enum's member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: StrEnum | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class LinesJSON(TypeDecorator[tuple[TextLine, ...]]):
    """A slide's placed lines in core's compact JSON form (core/boxes.py); NULL for a slide stored before
    lines were, which reads back as None."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: tuple[TextLine, ...] | None, dialect: Dialect) -> Any:
        return None if value is None else encode_lines(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[TextLine, ...] | None:
        return None if value is None else decode_lines(value)


class Base(DeclarativeBase):
    # `Mapped[Visibility]` and the like: the columns hold the values of core's enums, one definition each.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        Visibility: EnumText(Visibility, 16),
        NotesMode: EnumText(NotesMode, 16),
        DeckStatus: EnumText(DeckStatus, 16),
        DeckFormat: EnumText(DeckFormat, 8),
        NotesFormat: EnumText(NotesFormat, 8),
        JobStatus: EnumText(JobStatus, 16),
        Stage: EnumText(Stage, 16),
    }


class DeckRow(Base):
    __tablename__ = "decks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[Visibility] = mapped_column(default=Visibility.UNLISTED)
    # None only for decks made before accounts existed, until the first user adopts them.
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id, for the password visibility
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes_mode: Mapped[NotesMode] = mapped_column(default=NotesMode.PRIVATE)
    allow_download: Mapped[bool] = mapped_column(default=False)
    # 1 for the first upload; each replacement that becomes ready adds one, under the same slug.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[DeckStatus] = mapped_column(default=DeckStatus.QUEUED)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    source_filename: Mapped[str] = mapped_column(Text)
    source_format: Mapped[DeckFormat]
    source_size: Mapped[int] = mapped_column(BigInteger)
    slide_count: Mapped[int] = mapped_column(default=0)
    index_hash: Mapped[str | None] = mapped_column(String(64))
    suggested_questions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    slides: Mapped[list[SlideRow]] = relationship(
        back_populates="deck", cascade="all, delete-orphan", order_by="SlideRow.number"
    )
    notes_docs: Mapped[list[NotesDocRow]] = relationship(
        back_populates="deck", cascade="all, delete-orphan", order_by="NotesDocRow.position"
    )
    jobs: Mapped[list[JobRow]] = relationship(back_populates="deck", cascade="all, delete-orphan")
    conversations: Mapped[list[ConversationRow]] = relationship(cascade="all, delete-orphan")
    slide_views: Mapped[list[SlideViewRow]] = relationship(cascade="all, delete-orphan")
    questions: Mapped[list[QuestionRow]] = relationship(cascade="all, delete-orphan")


class SlideRow(Base):
    __tablename__ = "slides"
    # The image indexes serve /media: each image request checks which decks show it.
    __table_args__ = (
        UniqueConstraint("deck_id", "number"),
        Index("ix_slides_image_hash", "image_hash"),
        Index("ix_slides_thumb_hash", "thumb_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    ocr: Mapped[bool] = mapped_column(default=False)
    image_hash: Mapped[str] = mapped_column(String(64))
    thumb_hash: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    lines: Mapped[tuple[TextLine, ...] | None] = mapped_column(LinesJSON)

    deck: Mapped[DeckRow] = relationship(back_populates="slides")

    @classmethod
    def of(cls, deck_id: str, slide: Slide) -> SlideRow:
        return cls(deck_id=deck_id, **{name: getattr(slide, name) for name in _SLIDE_FIELDS})

    def slide(self) -> Slide:
        """The core slide this row stores: the one conversion, field by field of core's ``Slide``."""
        return Slide(**{name: getattr(self, name) for name in _SLIDE_FIELDS})


_SLIDE_FIELDS = tuple(f.name for f in fields(Slide))


class NotesDocRow(Base):
    __tablename__ = "notes_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    filename: Mapped[str] = mapped_column(Text)
    format: Mapped[NotesFormat]
    blob_hash: Mapped[str] = mapped_column(String(64))

    deck: Mapped[DeckRow] = relationship(back_populates="notes_docs")
    sections: Mapped[list[NotesSectionRow]] = relationship(
        back_populates="doc", cascade="all, delete-orphan", order_by="NotesSectionRow.position"
    )


class NotesSectionRow(Base):
    __tablename__ = "notes_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("notes_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    heading_path: Mapped[list[Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)

    doc: Mapped[NotesDocRow] = relationship(back_populates="sections")


class JobRow(Base):
    """One ingestion run of a deck. Its stage and progress are persisted so a restart can pick it up."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = mapped_column(default=JobStatus.QUEUED)
    stage: Mapped[Stage] = mapped_column(default=Stage.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    # A new version of a ready deck: its source and notes ({"source_hash", "source_filename",
    # "source_format", "source_size", "notes": [{"filename", "format", "blob_hash"}]}). The deck keeps
    # serving its current version until this job succeeds; None for a deck's first ingestion.
    replacement: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    deck: Mapped[DeckRow] = relationship(back_populates="jobs")


class ConversationRow(Base):
    """A viewer's chat with one deck, kept server-side so follow-up questions have their context."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="MessageRow.id"
    )


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    slide: Mapped[int | None]
    refused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[ConversationRow] = relationship(back_populates="messages")


class SlideViewRow(Base):
    """How often each slide was shown to viewers: one counter per slide, for the presenter."""

    __tablename__ = "slide_views"
    __table_args__ = (UniqueConstraint("deck_id", "slide"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    slide: Mapped[int]
    views: Mapped[int] = mapped_column(BigInteger, default=0)


class QuestionRow(Base):
    """Every question asked of a deck, kept for the presenter's analytics. Conversations keep only
    their recent turns, so they cannot be counted on for this."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    slide: Mapped[int | None]  # the slide the viewer was on
    refused: Mapped[bool] = mapped_column(default=False)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserRow(Base):
    """A presenter. ``handle`` names their public page (/u/{handle})."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id; None until one is set
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's secret
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A personal API token. The token is shown once; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public, for listing and revoking
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text, default="")
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInLinkRow(Base):
    """A one-time sign-in link, as printed by the first `serve` or `deckchat user link`."""

    __tablename__ = "sign_in_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the link's secret
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
