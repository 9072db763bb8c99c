"""Asking a deck through ChatService: the reply, the conversation it continues, what the presenter's
analytics keep, the slide in view, the refusal rule, and the index kept in memory.

The deck is stored straight through the store with a real index (the embedders load once per process)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.services.app_services import Services
from deckchat.services.chat import ChatService, Reply, generator_for
from deckchat.store import analytics, conversations
from deckchat.store import decks as deck_rows

pytestmark = pytest.mark.slow  # the first index built in a process loads the embedders (seconds)
SLIDES = (
    "Revenue grew four percent in the third quarter.",
    "Costs fell in Europe because the Lisbon office closed.",
    "Next year we hire twelve engineers in Berlin.",
)


def _ask(chat: ChatService, deck_id: str, question: str, **options: object) -> tuple[list[str], Reply]:
    *tokens, reply = chat.ask(deck_id, question, **options)  # type: ignore[arg-type]
    assert isinstance(reply, Reply) and all(isinstance(t, str) for t in tokens)
    return tokens, reply  # type: ignore[return-value]


@pytest.fixture
def deck_id(stored_deck: Callable[..., str]) -> str:
    return stored_deck(*SLIDES, index=True)


def test_an_answer_cites_its_slide_and_the_conversation_goes_on(
    sqlite_services: Services, deck_id: str
) -> None:
    chat = sqlite_services.chat
    tokens, first = _ask(chat, deck_id, "  How much did   revenue grow? ")
    assert "".join(tokens).strip() and not first.answer.refused
    assert [c.slide for c in first.answer.citations] == [1] and first.hits
    _, second = _ask(chat, deck_id, "And what about costs?", conversation_id=first.conversation_id, slide=2)
    assert second.conversation_id == first.conversation_id
    with sqlite_services.db.read() as session:
        turns = [(m.role, m.slide) for m in conversations.history(session, first.conversation_id)]
        per_slide, total = analytics.questions_by_slide(session, deck_id)
        first_question = conversations.history(session, first.conversation_id)[0].content
    assert turns == [("user", None), ("assistant", None), ("user", 2), ("assistant", None)]
    assert first_question == "How much did revenue grow?"  # whitespace tidied before it is kept
    assert (per_slide, total) == ({2: 1}, 2)

    other_deck = _ask(chat, deck_id, "Who is hired?", conversation_id="not-a-conversation")[1]
    assert other_deck.conversation_id not in ("not-a-conversation", first.conversation_id)


def test_a_conversation_of_another_deck_is_not_continued(
    sqlite_services: Services, stored_deck: Callable[..., str], deck_id: str
) -> None:
    other = stored_deck("Our cat sleeps all day.", title="Cats", index=True)
    _, cats = _ask(sqlite_services.chat, other, "What does the cat do?")
    _, reply = _ask(
        sqlite_services.chat, deck_id, "How much did revenue grow?", conversation_id=cats.conversation_id
    )
    assert reply.conversation_id != cats.conversation_id


def test_this_slide_means_the_one_in_view(sqlite_services: Services, deck_id: str) -> None:
    _, reply = _ask(sqlite_services.chat, deck_id, "What does this slide say?", slide=3)
    assert {c.slide for c in reply.answer.citations} == {3} and not reply.answer.refused
    assert {hit.chunk.slide for hit in reply.hits} == {3}


def test_below_the_threshold_a_question_is_refused_and_kept_for_the_presenter(
    sqlite_services: Services, deck_id: str
) -> None:
    strict = ChatService(
        sqlite_services.db, sqlite_services.blobs, sqlite_services.settings, refuse_below=1.01
    )
    _, reply = _ask(strict, deck_id, "How much did revenue grow?")
    assert reply.answer.refused and reply.answer.citations == () and reply.answerability < 1.01
    with sqlite_services.db.read() as session:
        assert [u.question for u in analytics.unanswered(session, deck_id)] == ["How much did revenue grow?"]


def test_questions_and_slides_are_checked_before_any_search(
    sqlite_services: Services, stored_deck: Callable[..., str]
) -> None:
    """The deck has no index here: a check that came after the search would rebuild it first."""
    chat, deck_id = sqlite_services.chat, stored_deck(*SLIDES)
    for question, options, code in (
        (" \n\t ", {}, "empty_question"),
        ("\u200b \u2060\ufeff", {}, "empty_question"),  # invisible: format characters alone
        ("What is on it?", {"slide": 4}, "invalid_slide"),
        ("What is on it?", {"slide": 0}, "invalid_slide"),
    ):
        with pytest.raises(DeckchatError) as refused:
            next(chat.ask(deck_id, question, **options))  # type: ignore[arg-type]
        assert (refused.value.status, refused.value.code) == (422, code)
    with pytest.raises(DeckchatError) as not_ready:
        next(chat.ask(stored_deck("Slide", title="Queued", ready=False), "What is on it?"))
    assert not_ready.value.code == "deck_not_ready"
    with sqlite_services.db.read() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None and row.index_hash == "0" * 64  # nothing was rebuilt


def test_a_loaded_index_is_kept_in_memory(sqlite_services: Services, deck_id: str) -> None:
    chat = ChatService(sqlite_services.db, sqlite_services.blobs, sqlite_services.settings)
    _, before = _ask(chat, deck_id, "Where do we hire engineers?")
    with sqlite_services.db.read() as session:
        row = deck_rows.find_deck(session, deck_id)
        assert row is not None and row.index_hash is not None
        index_hash = row.index_hash
    sqlite_services.blobs.delete(index_hash)  # only a fresh process would notice and rebuild
    _, after = _ask(chat, deck_id, "Where do we hire engineers?")
    assert after.answer == before.answer and not sqlite_services.blobs.exists(index_hash)
    assert chat.rank_slides(deck_id, "Why did costs fall in Europe?")[0] == 2


def test_the_reply_is_the_public_answer_object(sqlite_services: Services, deck_id: str) -> None:
    _, reply = _ask(sqlite_services.chat, deck_id, "How much did revenue grow?")
    shown = reply.as_json()
    assert set(shown) == {"answer", "citations", "refused", "llm", "grounding_replaced", "conversation_id"}
    # These slides are stored without lines, as decks ingested before lines were: no regions, no error.
    assert shown["citations"] == [
        {"slide": c.slide, "quote": c.quote, "regions": []} for c in reply.answer.citations
    ]
    assert (shown["llm"], shown["conversation_id"]) == ("extractive", reply.conversation_id)
    assert generator_for(sqlite_services.settings, None) is None  # the settings name the extractive reader
    assert generator_for(sqlite_services.settings, "extractive", "ignored") is None
