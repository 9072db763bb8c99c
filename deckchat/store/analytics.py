"""Presenter analytics: slide views and questions, counted per deck."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deckchat.store.tables import QuestionRow, SlideViewRow

# The presenter's to-do list: the most recent questions the bot could not answer.
UNANSWERED_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Unanswered:
    question: str
    slide: int | None
    asked_at: datetime


def record_view(session: Session, deck_id: str, slide: int) -> None:
    """Count one view of a slide. An UPDATE first, so concurrent viewers add up instead of racing
    on a read-modify-write; the first view of a slide inserts its row."""
    if _increment(session, deck_id, slide):
        return
    try:
        with session.begin_nested():
            session.add(SlideViewRow(deck_id=deck_id, slide=slide, views=1))
    except IntegrityError:  # another viewer inserted it first
        _increment(session, deck_id, slide)


def _increment(session: Session, deck_id: str, slide: int) -> bool:
    result = session.execute(
        update(SlideViewRow)
        .where(SlideViewRow.deck_id == deck_id, SlideViewRow.slide == slide)
        .values(views=SlideViewRow.views + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_question(session: Session, deck_id: str, question: str, slide: int | None, refused: bool) -> None:
    session.add(QuestionRow(deck_id=deck_id, question=question, slide=slide, refused=refused))


def views_by_slide(session: Session, deck_id: str) -> dict[int, int]:
    query = select(SlideViewRow.slide, SlideViewRow.views).where(SlideViewRow.deck_id == deck_id)
    return {slide: int(views) for slide, views in session.execute(query)}


def questions_by_slide(session: Session, deck_id: str) -> tuple[dict[int, int], int]:
    """Questions per slide the viewer was on, and the total (questions asked from no slide included)."""
    query = (
        select(QuestionRow.slide, func.count())
        .where(QuestionRow.deck_id == deck_id)
        .group_by(QuestionRow.slide)
    )
    counts = {slide: int(n) for slide, n in session.execute(query)}
    total = sum(counts.values())
    return {slide: n for slide, n in counts.items() if slide is not None}, total


def unanswered(session: Session, deck_id: str) -> list[Unanswered]:
    query = (
        select(QuestionRow)
        .where(QuestionRow.deck_id == deck_id, QuestionRow.refused.is_(True))
        .order_by(QuestionRow.asked_at.desc(), QuestionRow.id.desc())
        .limit(UNANSWERED_LIMIT)
    )
    return [Unanswered(row.question, row.slide, row.asked_at) for row in session.scalars(query)]
