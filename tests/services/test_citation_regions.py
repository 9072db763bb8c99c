"""Citation regions over the real decks (PDF, PPTX, an ODP and an OCR'd slide), checked against where
pdfium and rapidocr independently put the quoted text: the quote's own character boxes, read again from
the same rendered PDF, must overlap the returned regions with IoU >= 0.8; on an OCR'd slide the region
must hold the OCR line of the quote.

The decks are the session's ingested ones (tests/conftest.py), so the suite pays for no extra ingestion
but the ODP's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from deckchat.core.boxes import Box, union
from deckchat.core.chat import NotesMode
from deckchat.core.deck import DeckFormat
from deckchat.ingest.convert import convert_to_pdf
from deckchat.jobs.in_process import ingest_now
from deckchat.services.chat import Reply
from deckchat.store import decks as deck_rows
from tests.conftest import IngestedDecks

MIN_IOU = 0.8
PPTX = ("ms-python-pandas-series-dataframe.pptx", "ms-workshop-clean-prepare-data-python.pptx")


def _questions(decks_dir: Path, name: str) -> list[str]:
    rows = [json.loads(line) for line in (decks_dir / "qa.jsonl").read_text().splitlines() if line.strip()]
    return [row["question"] for row in rows if row["deck"] == name]


def _ask(decks: IngestedDecks, name: str, question: str, slide: int | None = None) -> dict[str, Any]:
    *_, reply = decks.services.chat.ask(decks.ids[name], question, slide=slide)
    assert isinstance(reply, Reply)
    return reply.as_json()


def _rendered_pdf(decks_dir: Path, name: str, work: Path) -> Path:
    """The PDF the deck's slides were drawn from: the file itself, or LibreOffice's rendering of it."""
    path = decks_dir / name
    if path.suffix == ".pdf":
        return path
    return convert_to_pdf(path, DeckFormat(path.suffix[1:]), work, soffice="soffice", timeout_s=180)


def _iou(a: Box, b: Box) -> float:
    width = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    height = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    inter = max(width, 0.0) * max(height, 0.0)
    return inter / (a.w * a.h + b.w * b.h - inter)


def _quote_boxes(page: pdfium.PdfPage, quote: str) -> Iterator[Box]:
    """The box of each place on the page whose characters spell ``quote`` (whitespace runs equal), from
    pdfium's character boxes: computed here from the page itself, not from anything deckchat stored."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars, where = [], []
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            char = chr(code) if 0x20 <= code <= sys.maxunicode else " "
            if char.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    where.append(index)
                continue
            chars.append(char)
            where.append(index)
        text, wanted = "".join(chars), " ".join(quote.split())
        start = text.find(wanted)
        while start >= 0:
            boxes = []
            for index in where[start : start + len(wanted)]:
                if not chr(max(pdfium_c.FPDFText_GetUnicode(textpage.raw, index), 0x20)).isspace():
                    left, bottom, right, top = textpage.get_charbox(index)
                    boxes.append(
                        Box(left / width, 1 - top / height, (right - left) / width, (top - bottom) / height)
                    )
            found = union(boxes)
            if found is not None:
                yield found
            start = text.find(wanted, start + 1)
    finally:
        textpage.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "cncf-what-is-cloud-native-2016.pdf",
        "k8s-new-contributor-orientation-2025-04.pdf",
        "mipt-ml-lecture02-linear-models.pdf",
        "bsides-2016-sms-otp-not-secure-beamer.pdf",
        *PPTX,
    ],
)
def test_regions_cover_the_quoted_characters(
    ingested_decks: IngestedDecks, decks_dir: Path, tmp_path: Path, name: str
) -> None:
    pdf = _rendered_pdf(decks_dir, name, tmp_path)
    _check_regions(ingested_decks, ingested_decks.ids[name], _questions(decks_dir, name), pdf, name)


@pytest.mark.slow
def test_regions_cover_the_quoted_characters_of_an_odp_deck(
    ingested_decks: IngestedDecks, decks_dir: Path, tmp_path: Path
) -> None:
    """An ODP, as LibreOffice Impress saves one: the pandas deck, converted by real LibreOffice."""
    name = PPTX[0]
    profile = tmp_path / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "odp",
         "--outdir", str(tmp_path), str(decks_dir / name)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    odp = tmp_path / f"{Path(name).stem}.odp"
    deck_id = ingest_now(ingested_decks.services, odp)
    try:
        (tmp_path / "render").mkdir()
        pdf = convert_to_pdf(odp, DeckFormat.ODP, tmp_path / "render", soffice="soffice", timeout_s=180)
        _check_regions(ingested_decks, deck_id, _questions(decks_dir, name), pdf, odp.name)
    finally:  # the session's library holds the twelve decks other tests count on
        ingested_decks.services.decks.remove(deck_id)


def _check_regions(
    decks: IngestedDecks, deck_id: str, questions: list[str], pdf_path: Path, name: str
) -> None:
    """Every quote on its slide's text layer has regions over the quote's characters (IoU >= MIN_IOU)."""
    checked, missing = 0, []
    with pdfium.PdfDocument(pdf_path) as pdf:
        for question in questions:
            *_, reply = decks.services.chat.ask(deck_id, question)
            assert isinstance(reply, Reply)
            for citation in reply.as_json()["citations"]:
                page = pdf[citation["slide"] - 1]
                drawn = list(_quote_boxes(page, citation["quote"]))
                page.close()
                if not drawn:
                    continue  # not text of the page's text layer (notes, OCR, or a line pdfium splits)
                regions = union(Box(**region) for region in citation["regions"])
                if regions is None:
                    missing.append(citation)
                    continue
                assert max(_iou(regions, box) for box in drawn) >= MIN_IOU, (question, citation, drawn)
                checked += 1
    assert not missing, missing
    assert checked >= 2, f"only {checked} quotes of {name} were on their slides' text layer"


@pytest.mark.slow
def test_an_ocr_quote_lies_over_the_line_ocr_reads_it_on(ingested_decks: IngestedDecks) -> None:
    """Slide 1 of the Chinese deck is a picture: its title is read by OCR. The region of a quote of it
    holds the line rapidocr finds there, read again here from the slide's stored image."""
    from rapidocr import RapidOCR

    name = "msra-ai-system-14-ai-for-systems-zh.pdf"
    (citation,) = _ask(ingested_decks, name, "What does this slide say?", slide=1)["citations"]
    slide = ingested_decks.services.content.slides(ingested_decks.ids[name])[0]
    assert slide.ocr and citation["regions"], citation
    image = Image.open(ingested_decks.services.content.media_path(slide.image.rsplit("/", 1)[1][:-5]))
    result = RapidOCR(params={"Global.log_level": "error"})(np.asarray(image.convert("RGB")))
    width, height = image.size
    lines = []
    for points, text in zip(result.boxes, result.txts, strict=True):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = Box(
            min(xs) / width, min(ys) / height, (max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height
        )
        if text and text in citation["quote"]:
            lines.append(box)
    assert lines, (citation, result.txts)
    regions = [Box(**region) for region in citation["regions"]]
    for line in lines:
        assert any(_holds(region, line) for region in regions), (line, regions)


def _holds(outer: Box, inner: Box, slack: float = 0.005) -> bool:
    return (
        outer.x - slack <= inner.x
        and outer.y - slack <= inner.y
        and inner.x + inner.w <= outer.x + outer.w + slack
        and inner.y + inner.h <= outer.y + outer.h + slack
    )


@pytest.mark.slow
def test_a_quote_from_speaker_notes_has_no_regions(ingested_decks: IngestedDecks) -> None:
    """Asked for what only a slide's speaker notes say (notes public, as ``deckchat eval`` can set), the
    answer quotes the notes, and their citation points nowhere on the slide."""
    deck = ingested_decks.ids["ms-workshop-clean-prepare-data-python.pptx"]
    with ingested_decks.services.db.read() as session:
        slides = [row.slide() for row in deck_rows.load_slides(session, deck)]
    noted = next(s for s in slides if len(s.notes.split()) >= 8)
    line = max(noted.notes.splitlines(), key=len)
    *_, reply = ingested_decks.services.chat.ask(deck, line, notes_mode=NotesMode.PUBLIC)
    assert isinstance(reply, Reply)
    shown = {s.number: " ".join(f"{s.title}\n{s.text}".split()) for s in slides}
    cited = reply.as_json()["citations"]
    from_notes = [c for c in cited if c["quote"] and c["quote"] not in shown[c["slide"]]]
    assert from_notes, cited
    assert all(c["regions"] == [] for c in from_notes), from_notes
