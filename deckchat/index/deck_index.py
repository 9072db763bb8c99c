"""One deck's search index: BM25 plus MiniLM and multilingual USE matrices, fused by score.

A deck holds tens to hundreds of chunks, so search is exact: a matrix-vector product per embedder.
The index serialises to one blob (``to_bytes``) that the caller stores by content hash.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from deckchat.core.chat import Chunk, ChunkKind, Hit, NotesMode
from deckchat.core.chunking import is_evidence
from deckchat.index import fusion
from deckchat.index.bm25 import BM25
from deckchat.index.embed import Embedder, default_embedders, query_cache
from deckchat.index.language import deck_languages, question_language
from deckchat.index.prepare import search_texts
from deckchat.index.roles import question_intent, slide_role
from deckchat.index.specificity import load_frequencies, question_terms
from deckchat.index.tokens import content_tokens, stem, tokenize

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

FORMAT_VERSION = 2  # bump when chunks, prepare or embedders change what a stored index means


# A word this specific (rare in general language) names a thing; a refusal may say the deck lacks it.
_NAMEABLE = 0.8
_WORD = re.compile(r"[^\W_]+")


def _folded(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


class IndexFormatError(ValueError):
    """A stored index from another format or other embedders; rebuild it from the deck."""


class DeckIndex:
    def __init__(
        self,
        chunks: Sequence[Chunk],
        vectors: dict[str, FloatArray],
        embedders: Sequence[Embedder] | None = None,
    ) -> None:
        self.chunks = tuple(chunks)
        self.embedders = tuple(embedders) if embedders is not None else default_embedders()
        self.vectors = vectors
        texts = search_texts(self.chunks)
        tokens = [tokenize(t) for t in texts]
        self._bm25 = BM25(tokens)
        self._searchable = np.array([bool(t.strip()) for t in texts], dtype=np.bool_)
        self._notes = np.array([c.kind is not ChunkKind.SLIDE for c in self.chunks], dtype=np.bool_)
        self._slides = np.array([c.slide for c in self.chunks], dtype=np.int64)
        # For each chunk, the chunk of the slide it belongs to (itself for a slide; -1 for notes tied
        # to none): private notes lift that slide's rank instead of being evidence themselves.
        slide_chunk = {c.slide: c.id for c in self.chunks if c.kind is ChunkKind.SLIDE}
        self._owner = np.array([slide_chunk.get(c.slide, -1) for c in self.chunks], dtype=np.int64)
        self._returnable = {
            mode: self._searchable & np.array([is_evidence(c, mode) for c in self.chunks], dtype=np.bool_)
            for mode in NotesMode
        }
        self._dups = fusion.near_duplicates([frozenset(t) for t in tokens])
        self._languages = deck_languages(texts)
        load_frequencies()
        self._roles = [
            slide_role(c.text.split("\n", 1)[0]) if c.kind is ChunkKind.SLIDE else None for c in self.chunks
        ]

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embedders: Sequence[Embedder] | None = None) -> DeckIndex:
        """Embed every chunk with every embedder (seconds for a large deck; do it at ingest)."""
        embedders = tuple(embedders) if embedders is not None else default_embedders()
        texts = search_texts(chunks)
        # Stored as float16; rounding here too makes a fresh index and a loaded one search alike.
        vectors = {e.name: _half(e.embed(texts)) for e in embedders}
        return cls(chunks, vectors, embedders)

    # -- storage --------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        meta = {
            "version": FORMAT_VERSION,
            "embedders": {name: int(m.shape[1]) for name, m in self.vectors.items()},
            "chunks": [_chunk_json(c) for c in self.chunks],
        }
        arrays: dict[str, Any] = {name: m.astype(np.float16) for name, m in self.vectors.items()}
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, embedders: Sequence[Embedder] | None = None) -> DeckIndex:
        embedders = tuple(embedders) if embedders is not None else default_embedders()
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode())
            if meta.get("version") != FORMAT_VERSION:
                raise IndexFormatError(f"index format {meta.get('version')}, expected {FORMAT_VERSION}")
            wanted = {e.name: e.dim for e in embedders}
            if meta["embedders"] != wanted:
                raise IndexFormatError(f"index embedded with {meta['embedders']}, expected {wanted}")
            vectors = {name: npz[name].astype(np.float32) for name in wanted}
        chunks = [_chunk_from_json(c) for c in meta["chunks"]]
        return cls(chunks, vectors, embedders)

    # -- search ---------------------------------------------------------------------------------

    def search(
        self, query: str, *, k: int = 8, mode: NotesMode = NotesMode.PRIVATE, slide: int | None = None
    ) -> list[Hit]:
        """The ``k`` best chunks the notes mode lets the chat read, near-duplicates folded together.

        Private notes are searched but never returned: a notes chunk that matches lifts its slide's
        chunk to its own score, so notes help find slides and nothing of their text leaves the index.
        ``slide`` is the slide the viewer is on; its chunks are favoured. Each hit's ``scores`` holds
        the raw retriever scores ("bm25", "minilm", "use"), "fused", "coverage" (share of the
        question's words in the chunk), "coverage_idf" (the same, weighted by rarity),
        "deck_coverage" (share of the question's words anywhere in the deck) and "duplicates".
        """
        return self._ranked(query, mode=mode, slide=slide, limit=k)

    def slide_hits(
        self, query: str, *, k: int = 5, mode: NotesMode = NotesMode.PRIVATE, slide: int | None = None
    ) -> list[tuple[int, float]]:
        """Slides ranked by their best chunk; notes not tied to a slide are left out."""
        best: dict[int, float] = {}
        for hit in self._ranked(query, mode=mode, slide=slide, limit=len(self.chunks)):
            if hit.chunk.slide > 0 and hit.chunk.slide not in best:
                best[hit.chunk.slide] = hit.score
                if len(best) == k:
                    break
        return list(best.items())

    def answerability(
        self, query: str, hits: Sequence[Hit] | None = None, *, mode: NotesMode = NotesMode.PRIVATE
    ) -> float:
        """See ``fusion.answerability``; searches first when no hits are given."""
        hits = hits if hits is not None else self.search(query, mode=mode)
        if not hits:
            return 0.0
        intent = question_intent(query)
        if intent is not None and self._roles[hits[0].chunk.id] == intent:
            return 1.0  # asked for the outline or the speaker, and the deck has that slide
        top = sorted(hits, key=lambda h: -h.scores.get("fused", h.score))[: fusion.TOP_FOR_COVERAGE]
        terms = question_terms(query)
        use = top[0].scores.get("use", 0.0)
        if not terms:  # nothing but stopwords and frame words: only meaning can tell
            return fusion.answerability(0.0, use, 0.0, 0.0)
        presence = self._bm25.presence([term for term, _ in terms])
        specific = np.array([s for _, s in terms], dtype=np.float32)
        in_top = presence[:, [h.chunk.id for h in top]].any(axis=1)
        in_deck = presence[:, self._evidence(mode)].any(axis=1)
        # Rare words say what the question is about; everyday words say which language it is in.
        importance = fusion.GENERIC_WEIGHT + specific
        lexical = float((importance * in_top).sum() / importance.sum())
        if question_language(query) in self._languages:
            same_language = 1.0
        else:  # mixed or unknown: everyday words the deck also uses say how far words can be trusted
            everyday = 1.0 - specific + fusion.GENERIC_WEIGHT
            same_language = float((everyday * in_deck).sum() / everyday.sum())
        missing = float(specific[~in_deck].max(initial=0.0))
        return fusion.answerability(lexical, use, same_language, missing)

    def unmentioned(self, question: str, *, mode: NotesMode = NotesMode.PRIVATE) -> str | None:
        """The question's rarest word that nothing the notes mode returns uses, spelt as the question
        spells it; None when every word worth naming is in the deck. What a refusal names as missing."""
        terms = [(term, s) for term, s in question_terms(question) if s >= _NAMEABLE]
        if not terms:
            return None
        presence = self._bm25.presence([term for term, _ in terms])
        in_deck = np.asarray(presence[:, self._evidence(mode)].any(axis=1), dtype=np.bool_)
        missing = [(s, term) for i, (term, s) in enumerate(terms) if not in_deck[i]]
        if not missing:
            return None
        wanted = max(missing)[1]
        return next((w for w in _WORD.findall(question) if stem(_folded(w)) == wanted), None)

    def _ranked(self, query: str, *, mode: NotesMode, slide: int | None, limit: int) -> list[Hit]:
        mask = self._mask(mode)
        if not mask.any():
            return []
        terms = content_tokens(query)
        raw = {"bm25": self._bm25.scores(terms)}
        for embedder in self.embedders:
            raw[embedder.name] = self.vectors[embedder.name] @ query_cache.embed(embedder, query)
        presence = self._bm25.presence(terms)
        deck_coverage = float(presence[:, mask].any(axis=1).mean()) if terms else 0.0
        fused = fusion.fuse(raw, mask, deck_coverage)
        bonus = self._slide_bonus(fused, mask, slide) + self._role_bonus(fused, mask, query)
        total = self._lifted(fused + bonus, mode)
        ranked = np.argsort(-total, kind="stable")[: int(self._evidence(mode).sum())]
        idf = np.array([self._bm25.idf(t) for t in terms], dtype=np.float32)
        hits = []
        for i, duplicates in fusion.collapse([int(i) for i in ranked], self._dups)[:limit]:
            scores = {name: float(s[i]) for name, s in raw.items()}
            scores |= _coverage(presence[:, i], idf)
            scores |= {"fused": float(fused[i]), "deck_coverage": deck_coverage}
            scores |= {"slide_bonus": float(bonus[i]), "duplicates": float(duplicates)}
            hits.append(Hit(chunk=self.chunks[i], score=float(total[i]), scores=scores))
        return hits

    def _role_bonus(self, fused: FloatArray, mask: BoolArray, query: str) -> FloatArray:
        """A question asking for the outline or the speaker puts those slides first."""
        bonus = np.zeros_like(fused)
        intent = question_intent(query)
        if intent is not None:
            wanted = np.array([role == intent for role in self._roles], dtype=np.bool_) & mask
            bonus[wanted] = max(float(fused[mask].max()), fusion.MIN_SLIDE_BONUS)
        return bonus

    def _mask(self, mode: NotesMode) -> BoolArray:
        """What is searched: private notes too, to rank their slides."""
        return self._searchable & ~self._notes if mode is NotesMode.HIDDEN else self._searchable

    def _evidence(self, mode: NotesMode) -> BoolArray:
        """What may be returned, and so read by the chat and shown: see ``chunking.is_evidence``."""
        return self._returnable[mode]

    def _lifted(self, total: FloatArray, mode: NotesMode) -> FloatArray:
        """Scores of the returnable chunks, each slide raised to its best matching private notes."""
        evidence = self._evidence(mode)
        lifters = ~evidence & self._mask(mode) & (self._owner >= 0)
        out = total.copy()
        np.maximum.at(out, self._owner[lifters], total[lifters])
        out[~evidence] = -np.inf
        return out

    def _slide_bonus(self, fused: FloatArray, mask: BoolArray, slide: int | None) -> FloatArray:
        bonus = np.zeros_like(fused)
        if slide is None:
            return bonus
        on_slide = (self._slides == slide) & mask
        bonus[on_slide] = max(fusion.SLIDE_BONUS * float(fused[mask].max()), fusion.MIN_SLIDE_BONUS)
        return bonus


def _coverage(present: BoolArray, idf: FloatArray) -> dict[str, float]:
    if present.size == 0:
        return {"coverage": 0.0, "coverage_idf": 0.0}
    return {
        "coverage": float(present.mean()),
        "coverage_idf": float((present * idf).sum() / max(float(idf.sum()), 1e-9)),
    }


def _half(matrix: FloatArray) -> FloatArray:
    return matrix.astype(np.float16).astype(np.float32)


def _chunk_json(chunk: Chunk) -> dict[str, Any]:
    return {
        "id": chunk.id,
        "kind": chunk.kind.value,
        "slide": chunk.slide,
        "text": chunk.text,
        "heading_path": list(chunk.heading_path),
    }


def _chunk_from_json(data: dict[str, Any]) -> Chunk:
    return Chunk(
        id=int(data["id"]),
        kind=ChunkKind(data["kind"]),
        slide=int(data["slide"]),
        text=str(data["text"]),
        heading_path=tuple(str(h) for h in data["heading_path"]),
    )
