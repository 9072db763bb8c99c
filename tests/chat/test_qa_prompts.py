"""Deck QA prompts for benchmarks, built from the real decks the way the chat builds its prompts."""

from __future__ import annotations

import json
from pathlib import Path

from deckchat.chat.answer import generation_prompt
from deckchat.chat.extractive import extract
from deckchat.chat.qa_prompts import HITS, deck_slides, qa_prompts
from deckchat.core.chat import NotesMode
from deckchat.core.chunking import chunk_deck
from deckchat.index.deck_index import DeckIndex

PPTX = "ms-workshop-clean-prepare-data-python.pptx"
PDF = "cncf-what-is-cloud-native-2016.pdf"


def test_a_decks_slides_are_read_from_the_file_itself(decks_dir: Path) -> None:
    for name in (PPTX, PDF):
        slides = deck_slides(decks_dir / name)
        assert [s.number for s in slides] == list(range(1, len(slides) + 1))
        assert sum(bool(s.text.strip() or s.title.strip()) for s in slides) > len(slides) / 2
    assert any(s.notes.strip() for s in deck_slides(decks_dir / PPTX))  # speaker notes come along


def test_answerable_questions_become_the_chats_prompts(decks_dir: Path, tmp_path: Path) -> None:
    rows = [
        {"deck": PPTX, "question": "How does pandas represent missing values?", "kind": "fact"},
        {"deck": PPTX, "question": "What does the speaker's cat eat?", "kind": "not-in-deck"},
        {"deck": PDF, "question": "What is cloud native?", "kind": "fact"},
        {"deck": PPTX, "question": "How do you remove duplicate rows?", "kind": "fact"},
    ]
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")

    prompts = qa_prompts(qa, decks_dir)
    asked = [rows[i]["question"] for i in (0, 2, 3)]  # the unanswerable one is left out
    assert len(prompts) == 3
    for prompt, question in zip(prompts, asked, strict=True):
        assert question in prompt[-1].content

    # The same messages the chat would send: its index, its search, its extract first.
    index = DeckIndex.build(chunk_deck(deck_slides(decks_dir / PDF), []))
    hits = index.search(asked[1], k=HITS, mode=NotesMode.PUBLIC)
    assert prompts[1] == generation_prompt(asked[1], hits, extract(asked[1], hits))

    only_pptx = qa_prompts(qa, decks_dir, decks={PPTX}, limit=1)
    assert len(only_pptx) == 1 and asked[0] in only_pptx[0][-1].content
