"""A deck's constructors: every piece of text that enters a deck comes out valid, its names clean."""

from __future__ import annotations

from deckchat.core.deck import Deck, DeckFormat, NotesDocument, NotesFormat, NotesSection, Slide
from deckchat.core.text import REPLACEMENT

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: fine in slide text, not in a name shown beside others


def test_slide_text_is_made_valid_unicode_whatever_its_source() -> None:
    slide = Slide(
        1,
        "Q3\x00 results",
        "line one\r\nline\ud835 two",
        f"notes{RLO}\x0b",
        False,
        16,
        9,
        image_hash="a",
        thumb_hash="b",
    )
    assert (slide.title, slide.text, slide.notes) == (
        "Q3 results",
        f"line one\nline{REPLACEMENT} two",
        f"notes{RLO}\n",
    )
    assert (slide.image_hash, slide.thumb_hash) == ("a", "b")


def test_notes_sections_clean_their_text_and_headings() -> None:
    section = NotesSection(("Part\x07 one", "Slide\r2"), "text\x1b here")
    assert section == NotesSection(("Part one", "Slide\n2"), "text here")


def test_names_a_deck_is_known_by_lose_format_characters() -> None:
    notes = NotesDocument(f"invoice{RLO}dm.exe", NotesFormat.MARKDOWN, "c" * 64, ())
    assert notes.filename == "invoicedm.exe"
    assert Deck(f"  Quarterly\u200b  review{RLO} ", DeckFormat.PDF).title == "Quarterly review"


def test_only_pdf_decks_skip_conversion() -> None:
    assert [f.value for f in DeckFormat if f.needs_conversion] == ["pptx", "ppt", "odp", "key"]
