"""What viewers did with a deck: slide views, questions per slide, and what the bot could not answer."""

from __future__ import annotations

from deckchat.core.errors import InvalidInput
from deckchat.services.lookup import find, find_ready
from deckchat.services.views import AnalyticsView, SlideStatsView, UnansweredView
from deckchat.store import analytics
from deckchat.store import decks as deck_rows
from deckchat.store.db import Database


def record_view(db: Database, ref: str, slide: int) -> None:
    with db.session() as session:
        deck = find_ready(session, ref)
        if not 1 <= slide <= deck.slide_count:
            raise InvalidInput(
                f"The deck has slides 1 to {deck.slide_count}; there is no slide {slide}.",
                code="slide_out_of_range",
            )
        analytics.record_view(session, deck.id, slide)


def report(db: Database, ref: str) -> AnalyticsView:
    with db.session() as session:
        deck = find(session, ref)
        views = analytics.views_by_slide(session, deck.id)
        questions, total_questions = analytics.questions_by_slide(session, deck.id)
        slides = [
            SlideStatsView(s.number, s.title, views.get(s.number, 0), questions.get(s.number, 0))
            for s in deck_rows.load_slides(session, deck.id)
        ]
        unanswered = [
            UnansweredView(u.question, u.slide, u.asked_at) for u in analytics.unanswered(session, deck.id)
        ]
        return AnalyticsView(
            deck_id=deck.id,
            total_views=sum(views.values()),
            total_questions=total_questions,
            slides=slides,
            unanswered=unanswered,
        )
