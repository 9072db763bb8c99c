"""Chunking rules: how a deck's slides, speaker notes and notes documents become units of search.

Chunks for every kind of notes are always built; ``evidence_chunks`` applies a deck's notes mode at
query time, so changing the mode needs no re-index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from deckchat.core.chat import Chunk, ChunkKind, NotesMode
from deckchat.core.deck import NotesDocument, Slide

# The embedder reads at most 256 word pieces; ~200 words of prose is about that, so longer notes
# would lose their tail to truncation.
MAX_WORDS = 200

# A CJK character counts as a word: the embedder's tokenizer gives each one its own piece.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\s]+")
_PARAGRAPH = re.compile(r"\n\s*\n")
# Sentence ends: ASCII punctuation before a space, or the full-width CJK stops, which need none.
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|(?<=[\u3002\uff01\uff1f\uff1b])")
_SLIDE_REF = re.compile(r"\b(?:slide|folie|diapositiva|diapo)\s*#?\s*(\d{1,4})\b", re.IGNORECASE)


def chunk_deck(slides: Sequence[Slide], notes: Sequence[NotesDocument]) -> list[Chunk]:
    """One chunk per slide, then each slide's speaker notes, then the notes documents' sections.

    Ids are 0..n-1 in that order.
    """
    drafts: list[tuple[ChunkKind, int, str, tuple[str, ...]]] = []
    for slide in slides:
        drafts.append((ChunkKind.SLIDE, slide.number, _slide_text(slide), ()))
    for slide in slides:
        # The slide's title is the notes' heading: it tells the chat (and the index) what they are about.
        heading = (slide.title.strip(),) if slide.title.strip() else ()
        for piece in split_text(slide.notes):
            drafts.append((ChunkKind.SPEAKER_NOTES, slide.number, piece, heading))
    for doc in notes:
        for section in doc.sections:
            prefix = " > ".join(h.strip() for h in section.heading_path if h.strip())
            slide_no = slide_reference(section.heading_path)
            for piece in split_text(section.text):
                text = f"{prefix}\n{piece}" if prefix else piece
                drafts.append((ChunkKind.NOTES_SECTION, slide_no, text, section.heading_path))
    return [
        Chunk(id=i, kind=kind, slide=number, text=text, heading_path=path)
        for i, (kind, number, text, path) in enumerate(drafts)
    ]


def evidence_chunks(chunks: Iterable[Chunk], mode: NotesMode) -> list[Chunk]:
    """The chunks whose text the chat may read, and so show: notes only when they are public."""
    return [c for c in chunks if is_evidence(c, mode)]


def is_evidence(chunk: Chunk, mode: NotesMode) -> bool:
    return chunk.kind is ChunkKind.SLIDE or mode is NotesMode.PUBLIC


def slide_reference(heading_path: Sequence[str]) -> int:
    """The slide a notes heading names ("Slide 4", "Folie 4", "Diapositiva 4"), innermost first; else 0."""
    for heading in reversed(heading_path):
        match = _SLIDE_REF.search(heading)
        if match:
            return int(match.group(1))
    return 0


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def split_text(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Split text into pieces of at most ``max_words``, on paragraph, then sentence, then word bounds.

    Pieces are balanced (a 260-word note becomes two of ~130, not 200 + 60), so no piece is a stub.
    """
    text = text.strip()
    if not text:
        return []
    total = word_count(text)
    if total <= max_words:
        return [text]
    units = [u for p in _PARAGRAPH.split(text) if p.strip() for u in _units(p.strip(), max_words)]
    parts = -(-total // max_words)  # ceil
    return _pack(units, target=-(-total // parts), limit=max_words)


# A unit of packing: its text, its word count, and whether it opens a paragraph.
_Unit = tuple[str, int, bool]


def _units(paragraph: str, max_words: int) -> list[_Unit]:
    """A paragraph as one unit when it fits, else its sentences (long sentences cut into word runs)."""
    n = word_count(paragraph)
    if n <= max_words:
        return [(paragraph, n, True)]
    pieces: list[str] = []
    for sentence in _SENTENCE.split(paragraph):
        sentence = sentence.strip()
        pieces.extend(_word_runs(sentence, max_words) if word_count(sentence) > max_words else [sentence])
    return [(p, word_count(p), i == 0) for i, p in enumerate(p for p in pieces if p)]


def _word_runs(sentence: str, max_words: int) -> list[str]:
    """Cut at word boundaries, slicing the original so its spacing (or lack of it, in CJK) survives."""
    starts = [*[m.start() for m in _WORD.finditer(sentence)][::max_words], len(sentence)]
    return [sentence[a:b].strip() for a, b in pairwise(starts)]


def _pack(units: list[_Unit], *, target: int, limit: int) -> list[str]:
    """Greedily join units into pieces of about ``target`` words, never over ``limit``."""
    pieces: list[str] = []
    current = ""
    size = 0
    for text, n, opens_paragraph in units:
        if current and (size + n > limit or size >= target):
            pieces.append(current)
            current, size = "", 0
        separator = ("\n\n" if opens_paragraph else " ") if current else ""
        current += separator + text
        size += n
    if current:
        pieces.append(current)
    return pieces


def _slide_text(slide: Slide) -> str:
    title, body = slide.title.strip(), slide.text.strip()
    if title and body.splitlines()[:1] == [title]:
        return body  # some extractors repeat the title as the first line
    return f"{title}\n{body}".strip()
