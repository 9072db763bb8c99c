"""Slide views and questions, counted per deck on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading

from deckchat.store import analytics
from deckchat.store.db import Database


def test_views_add_up_per_slide_even_from_concurrent_viewers(db: Database, deck_id: str) -> None:
    def view(times: int) -> None:
        for _ in range(times):
            with db.session() as session:
                analytics.record_view(session, deck_id, 2)

    viewers = [threading.Thread(target=view, args=(5,)) for _ in range(4)]
    for viewer in viewers:
        viewer.start()
    for viewer in viewers:
        viewer.join()
    with db.session() as session:
        analytics.record_view(session, deck_id, 1)
    with db.read() as session:
        assert analytics.views_by_slide(session, deck_id) == {1: 1, 2: 20}
        assert analytics.views_by_slide(session, "another-deck") == {}


def test_questions_count_per_slide_and_in_total(db: Database, deck_id: str) -> None:
    with db.session() as session:
        analytics.record_question(session, deck_id, "What is a Series?", 2, refused=False)
        analytics.record_question(session, deck_id, "And a DataFrame?", 2, refused=False)
        analytics.record_question(session, deck_id, "Who made this?", None, refused=False)
        analytics.record_question(session, deck_id, "Revenue in 2016?", 3, refused=True)
    with db.read() as session:
        per_slide, total = analytics.questions_by_slide(session, deck_id)
    assert per_slide == {2: 2, 3: 1} and total == 4  # asked from no slide: in the total only


def test_unanswered_lists_the_refused_questions_newest_first_up_to_the_limit(
    db: Database, deck_id: str
) -> None:
    with db.session() as session:
        for n in range(analytics.UNANSWERED_LIMIT + 2):
            analytics.record_question(session, deck_id, f"question {n}", n % 3 or None, refused=True)
        analytics.record_question(session, deck_id, "answered", 1, refused=False)
    with db.read() as session:
        listed = analytics.unanswered(session, deck_id)
    assert len(listed) == analytics.UNANSWERED_LIMIT
    newest = analytics.UNANSWERED_LIMIT + 1
    assert [u.question for u in listed[:2]] == [f"question {newest}", f"question {newest - 1}"]
    assert listed[0].slide == (newest % 3 or None) and listed[0].asked_at is not None
    assert "answered" not in {u.question for u in listed}
