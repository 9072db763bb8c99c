"""A deck's analytics: slide views of a ready deck, and the report a presenter reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.services import analytics
from deckchat.services.app_services import Services
from deckchat.store import analytics as counts


def test_views_count_only_on_slides_a_ready_deck_has(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    db, deck_id = sqlite_services.db, stored_deck("One", "Two")
    analytics.record_view(db, deck_id, 2)
    for slide in (0, 3):
        with pytest.raises(DeckchatError) as outside:
            analytics.record_view(db, deck_id, slide)
        assert (outside.value.status, outside.value.code) == (422, "slide_out_of_range")
        assert "slides 1 to 2" in outside.value.message
    with pytest.raises(DeckchatError) as queued:
        analytics.record_view(db, stored_deck("One", ready=False), 1)
    assert queued.value.code == "deck_not_ready"
    assert analytics.report(db, deck_id).total_views == 1


def test_the_report_puts_views_and_questions_on_each_slide(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    db, deck_id = sqlite_services.db, stored_deck("One", "Two", "Three")
    for slide in (1, 3, 3):
        analytics.record_view(db, deck_id, slide)
    with db.session() as session:
        counts.record_question(session, deck_id, "What is on slide three?", 3, refused=False)
        counts.record_question(session, deck_id, "Who gave this talk?", None, refused=False)
        counts.record_question(session, deck_id, "Revenue in 2016?", 1, refused=True)
    report = analytics.report(db, deck_id)
    assert (report.deck_id, report.total_views, report.total_questions) == (deck_id, 3, 3)
    assert [(s.number, s.title, s.views, s.questions) for s in report.slides] == [
        (1, "Slide 1", 1, 1),
        (2, "Slide 2", 0, 0),
        (3, "Slide 3", 2, 1),
    ]
    assert [(u.question, u.slide) for u in report.unanswered] == [("Revenue in 2016?", 1)]


def test_a_deck_still_being_ingested_has_an_empty_report(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    report = analytics.report(sqlite_services.db, stored_deck("One", ready=False))
    assert (report.total_views, report.total_questions, report.slides, report.unanswered) == (0, 0, [], [])
