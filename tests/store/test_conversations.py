"""Conversations on SQLite and on a real PostgreSQL server: their turns, bounded, and their deck."""

from __future__ import annotations

from deckchat.store import conversations
from deckchat.store.db import Database


def test_conversations_keep_a_bounded_history(db: Database, deck_id: str) -> None:
    with db.session() as session:
        conversation = conversations.start(session, deck_id)
        for turn in range(conversations.MAX_MESSAGES + 5):
            conversations.append(session, conversation, "user", f"question {turn}")
    with db.session() as session:
        kept = [m.content for m in conversations.history(session, conversation)]
        assert len(kept) == conversations.MAX_MESSAGES
        assert kept[-1] == f"question {conversations.MAX_MESSAGES + 4}" and kept[0] == "question 5"
        assert conversations.find(session, conversation, "another-deck") is None


def test_turns_keep_their_role_slide_and_refusal_in_order(db: Database, deck_id: str) -> None:
    with db.session() as session:
        conversation = conversations.start(session, deck_id)
        other = conversations.start(session, deck_id)
        conversations.append(session, conversation, "user", "And in Q4?", slide=3)
        conversations.append(session, other, "user", "Who gave this talk?")
        conversations.append(session, conversation, "assistant", "The deck doesn't say.", refused=True)
    assert conversation != other
    with db.read() as session:
        found = conversations.find(session, conversation, deck_id)
        assert found is not None and found.id == conversation
        turns = [
            (m.role, m.content, m.slide, m.refused) for m in conversations.history(session, conversation)
        ]
    assert turns == [("user", "And in Q4?", 3, False), ("assistant", "The deck doesn't say.", None, True)]
