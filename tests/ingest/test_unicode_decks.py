"""A deck written in math alphanumerics, emoji, right-to-left scripts and combining marks, made with
python-pptx and LibreOffice, ingested end to end as PPTX and as PDF, and searched by those words."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from deckchat.core.text import REPLACEMENT
from deckchat.services.app_services import Services, open_services
from deckchat.services.chat import Reply
from deckchat.settings import Settings
from tests.ingest.helpers import title_and_body_pptx
from tests.ingest.hostile import surrogates_pdf

pytestmark = pytest.mark.slow

EIGEN = "𝐄𝐢𝐠𝐞𝐧𝐯𝐞𝐜𝐭𝐨𝐫𝐬"  # MATHEMATICAL BOLD letters, U+1D400 block: outside the BMP
ARABIC, HEBREW = "مرحبا بالعالم", "שלום עולם"
PERSIAN = "می\u200cخواهم"  # "I want": the zero-width non-joiner is part of its spelling
BRULEE = "Cre\u0300me bru\u0302le\u0301e"  # decomposed: letters followed by combining accents
SLIDES = [
    ("Linear algebra", f"{EIGEN} satisfy 𝐀𝐱 = 𝜆𝐱 for every 𝑥 ∈ ℝ"),
    ("Smileys 😀", "😎 Grinning marmalade sunglasses 😀"),
    ("تحية", f"{ARABIC}\n{HEBREW}\n{PERSIAN}"),
    ("Dessert", f"{BRULEE} and Pho\u031b\u0309"),
    ("Agenda", "Questions and answers at the end"),
]
# A question in the deck's own words, written as people type them, and the slide that says it.
SEARCHES = [
    ("What do eigenvectors satisfy?", 1),
    (f"{EIGEN}?", 1),
    ("grinning marmalade", 2),
    ("بالعالم", 3),
    ("שלום", 3),
    ("crème brûlée", 4),
]
NON_BMP = ("𝐄", "𝜆", "😀", "😎")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The deck as python-pptx writes it, and as LibreOffice turns that into a PDF."""
    folder = tmp_path_factory.mktemp("unicode")
    pptx = title_and_body_pptx(folder / "unicode-deck.pptx", SLIDES)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: run make setup"
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    subprocess.run(
        [soffice, "--headless", profile, "--convert-to", "pdf", "--outdir", str(folder), str(pptx)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return {"pptx": pptx, "pdf": folder / "unicode-deck.pdf"}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = open_services(Settings(home=tmp_path_factory.mktemp("home")))
    yield services
    services.close()


def test_the_pdf_text_layer_holds_characters_outside_the_bmp(files: dict[str, Path]) -> None:
    pdf = pdfium.PdfDocument(files["pdf"])
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    for char in NON_BMP:
        assert char in text, f"LibreOffice's PDF has no {char!r} in its text layer"


@pytest.mark.parametrize("fmt", ["pdf", "pptx"])
def test_unicode_deck_ingests_and_is_found_by_its_words(
    fmt: str, files: dict[str, Path], services: Services, ready_deck: Callable[..., str]
) -> None:
    deck_id = ready_deck(files[fmt])
    slides = services.content.slides(deck_id)
    assert len(slides) == len(SLIDES)
    said = [unicodedata.normalize("NFC", f"{s.title}\n{s.text}") for s in slides]
    assert not [c for text in said for c in text if "\ud800" <= c <= "\udfff"]  # no surrogate survived
    for char in NON_BMP:
        assert any(char in text for text in said), f"{char!r} was lost"
    assert "crème brûlée" in said[3].casefold()  # the accents survive, combined or not
    if fmt == "pptx":  # the PDF keeps glyphs, not the joiner between them; PPTX text keeps it
        assert PERSIAN in slides[2].text
    for words in (ARABIC, HEBREW):  # shaped glyphs in a PDF read back as their letters
        assert all(word in unicodedata.normalize("NFKC", said[2]) for word in words.split())

    chat = services.chat
    for question, slide in SEARCHES:
        assert chat.rank_slides(deck_id, question)[0] == slide, question
    # A question may carry a lone surrogate too: a command-line argument that was not UTF-8 does.
    question = "What do eigenvectors satisfy? \udcff"
    replies = [item for item in chat.ask(deck_id, question) if isinstance(item, Reply)]
    assert not replies[0].answer.refused
    assert [c.slide for c in replies[0].answer.citations][:1] == [1]


def test_lone_surrogates_from_pdfium_are_replaced_in_slides_titles_and_notes(
    services: Services, tmp_path: Path, ready_deck: Callable[..., str]
) -> None:
    """They used to fail the job with an internal error (the tokenizer refuses them while indexing)."""
    deck = surrogates_pdf(tmp_path)
    deck_id = ready_deck(deck, surrogates_pdf(tmp_path, "notes.pdf"))
    (slide,) = services.content.slides(deck_id)
    assert slide.text == f"plain text line\nx\U0001d400y {REPLACEMENT} z {REPLACEMENT}\n\U0001f600"
    assert services.decks.get(deck_id).title == f"T{REPLACEMENT}"
    (notes,) = services.content.notes(deck_id)
    assert [s.heading_path for s in notes.sections] == [[f"New{REPLACEMENT}"]]
    assert services.chat.rank_slides(deck_id, "plain text line") == [1]  # indexed, searchable
