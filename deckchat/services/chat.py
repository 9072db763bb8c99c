"""Asking a deck: the conversation, retrieval, the generator, and the answer, for the API and the CLI."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from deckchat.chat.answer import EXTRACTIVE, answer
from deckchat.chat.followup import about_this_slide, retrieval_query
from deckchat.chat.profile import deck_question, profile_slides
from deckchat.chat.regions import with_regions
from deckchat.core.chat import Answer, Hit, NotesMode
from deckchat.core.chunking import evidence_chunks
from deckchat.core.errors import InvalidInput
from deckchat.core.text import clean_text, display_name
from deckchat.index.deck_index import DeckIndex, IndexFormatError
from deckchat.index.embed import default_embedders
from deckchat.index.fusion import REFUSE_BELOW
from deckchat.llm.base import Generator, Message
from deckchat.services.indexing import rebuild_index
from deckchat.services.lookup import find_ready
from deckchat.settings import Settings
from deckchat.store import analytics, conversations
from deckchat.store import decks as deck_rows
from deckchat.store.blobs import BlobStore
from deckchat.store.db import Database
from deckchat.store.tables import ConversationRow

log = logging.getLogger(__name__)

_CACHED_INDEXES = 32
_K = 8


@dataclass(frozen=True, slots=True)
class Reply:
    """The final event of an ask: the answer plus what the caller needs to continue the conversation."""

    answer: Answer
    conversation_id: str
    hits: tuple[Hit, ...]
    answerability: float = 1.0  # the score the refusal was decided on (1 for the deck's profile)

    def as_json(self) -> dict[str, Any]:
        """The answer object of the public contract (``ask --json``, the chat endpoint, eval results)."""
        final = self.answer
        return {
            "answer": final.answer,
            "citations": [
                {"slide": c.slide, "quote": c.quote, "regions": [asdict(box) for box in c.regions]}
                for c in final.citations
            ],
            "refused": final.refused,
            "llm": final.llm,
            "grounding_replaced": final.grounding_replaced,
            "conversation_id": self.conversation_id,
        }


def generator_for(settings: Settings, spec: str | None, model: str | None = None) -> Generator | None:
    """The generator ``spec`` names (default: the setting's); None for the extractive reader."""
    spec = spec or settings.llm
    if spec == EXTRACTIVE:
        return None
    # Imported here: transformers and torch take seconds to import, and extractive needs neither.
    from deckchat.llm.registry import make_generator

    return make_generator(spec, settings.llm_options, model=model or settings.llm_model or None)


def warm_up(settings: Settings) -> None:
    """Load what the first question would wait for: both embedders and the configured generator."""
    for embedder in default_embedders():
        embedder.embed(["warm up"])
    generator_for(settings, None)


class ChatService:
    def __init__(
        self, db: Database, blobs: BlobStore, settings: Settings, *, refuse_below: float = REFUSE_BELOW
    ) -> None:
        """``refuse_below`` is the answerability under which a question is refused; bench/calibrate.py
        sets it to 0 to see every question's score and answer, and chooses it out of fold."""
        self._db, self._blobs, self.settings = db, blobs, settings
        self.refuse_below = refuse_below
        self._indexes: OrderedDict[str, DeckIndex] = OrderedDict()
        self._lock = threading.Lock()
        self._rebuild_lock = threading.Lock()

    def generator(self, spec: str | None, model: str | None = None) -> Generator | None:
        return generator_for(self.settings, spec, model)

    def ask(
        self,
        ref: str,
        question: str,
        *,
        conversation_id: str | None = None,
        slide: int | None = None,
        generator: Generator | None = None,
        notes_mode: NotesMode | None = None,
    ) -> Iterator[str | Reply]:
        """Yield answer text as it is produced, then one Reply.

        ``notes_mode`` overrides the deck's own, for ``deckchat eval`` alone: viewers get the deck's.
        """
        # A question can carry a lone surrogate too (a CLI argument in another encoding, a JSON file).
        question = " ".join(clean_text(question).split())
        if not display_name(question):  # nothing visible: format characters (zero-width spaces) alone
            raise InvalidInput("Ask a question.", code="empty_question")
        with self._db.session() as session:
            deck = find_ready(session, ref)
            deck_id, index_hash = deck.id, deck.index_hash
            mode, slide_count = notes_mode or NotesMode(deck.notes_mode), deck.slide_count
            if slide is not None and not 1 <= slide <= slide_count:
                raise InvalidInput(f"This deck has slides 1 to {slide_count}.", code="invalid_slide")
            conversation = conversations.find(session, conversation_id, deck.id) if conversation_id else None
            conversation_id = conversation.id if conversation else conversations.start(session, deck.id)
            past = conversations.history(session, conversation_id)
        index = self._load(deck_id, index_hash)
        previous = [m.content for m in past if m.role == "user"]
        query = retrieval_query(question, previous)
        this_slide = slide if slide is not None and about_this_slide(question) else None
        hits = index.search(query, k=_K, mode=mode, slide=slide)
        # Slides are always evidence, so the profile needs no notes mode.
        about_deck = profile_slides(index.chunks, deck_question(question)) if this_slide is None else []
        if this_slide is not None:
            # "this slide" means the one in view, whatever the words match: answer from it alone.
            shown = evidence_chunks(index.chunks, mode)
            hits = [Hit(c, 1.0) for c in shown if c.slide == this_slide] or hits
        elif about_deck:
            # Who gave it, what it covers, what it concludes: the deck's own profile answers.
            hits = [Hit(c, 1.0) for c in about_deck]
        bypass = bool(about_deck) or this_slide is not None
        score = 1.0 if bypass else index.answerability(query, hits, mode=mode)
        ok = score >= self.refuse_below
        history = [Message(m.role, m.content) for m in past]
        unmentioned = None if ok else index.unmentioned(question, mode=mode)
        final: Answer | None = None
        asked = answer(
            question,
            hits,
            mode=mode,
            answerable=ok,
            generator=generator,
            history=history,
            unmentioned=unmentioned,
        )
        for item in asked:
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        assert final is not None
        final = self._with_regions(deck_id, final)
        self._remember(conversation_id, question, final, slide)
        yield Reply(final, conversation_id, tuple(hits), score)

    def _with_regions(self, deck_id: str, final: Answer) -> Answer:
        """Each citation's regions, from the cited slides' stored lines (read with the slide's own access:
        the chat only cites slides of the deck being asked)."""
        if not final.citations:
            return final
        with self._db.read() as session:
            rows = deck_rows.load_slides(session, deck_id, {c.slide for c in final.citations})
            slides = {row.number: row.slide() for row in rows}
        return with_regions(final, slides)

    def index_for(self, ref: str) -> DeckIndex:
        with self._db.session() as session:
            deck = find_ready(session, ref)
            deck_id, index_hash = deck.id, deck.index_hash
        return self._load(deck_id, index_hash)

    def rank_slides(self, ref: str, question: str, notes_mode: NotesMode | None = None) -> list[int]:
        """The deck's slides by relevance to the question (for retrieval metrics)."""
        with self._db.session() as session:
            deck = find_ready(session, ref)
            deck_id, index_hash = deck.id, deck.index_hash
            mode = notes_mode or NotesMode(deck.notes_mode)
        hits = self._load(deck_id, index_hash).slide_hits(clean_text(question), mode=mode)
        return [slide for slide, _ in hits]

    def _remember(self, conversation_id: str, question: str, final: Answer, slide: int | None) -> None:
        with self._db.session() as session:
            conversations.append(session, conversation_id, "user", question, slide=slide)
            conversations.append(session, conversation_id, "assistant", final.answer, refused=final.refused)
            deck_id = session.get_one(ConversationRow, conversation_id).deck_id
            analytics.record_question(session, deck_id, question, slide, final.refused)

    def _load(self, deck_id: str, digest: str | None) -> DeckIndex:
        """The deck's index, rebuilt first if it is missing or from another format."""
        if digest is not None:
            with self._lock:
                if digest in self._indexes:
                    self._indexes.move_to_end(digest)
                    return self._indexes[digest]
            try:
                return self._cache(digest, DeckIndex.from_bytes(self._blobs.path(digest).read_bytes()))
            except (IndexFormatError, FileNotFoundError) as error:
                log.warning("deck %s needs a new search index: %s", deck_id, error)
        with self._rebuild_lock:  # one rebuild at a time: it embeds every chunk
            with self._db.session() as session:
                current = find_ready(session, deck_id).index_hash
            if current is not None and current != digest:  # another request rebuilt it meanwhile
                return self._load(deck_id, current)
            built = rebuild_index(self._db, self._blobs, deck_id)
        return self._cache(built.blob_hash, built.index)

    def _cache(self, digest: str, index: DeckIndex) -> DeckIndex:
        with self._lock:
            self._indexes[digest] = index
            while len(self._indexes) > _CACHED_INDEXES:
                self._indexes.popitem(last=False)
        return index
