"""Every deck in tests/data/decks, ingested end to end (real LibreOffice, pdfium, rapidocr), checked
against what the files themselves say."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from defusedxml import ElementTree
from PIL import Image
from pptx import Presentation

from deckchat.services.app_services import Services
from deckchat.services.views import SlideView
from deckchat.settings import Settings
from tests.conftest import IngestedDecks

pytestmark = pytest.mark.slow

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
MIN_CHARS = Settings().ocr_min_chars


@pytest.fixture(scope="module")
def services(ingested_decks: IngestedDecks) -> Services:
    return ingested_decks.services


@pytest.fixture(scope="module")
def ingested(ingested_decks: IngestedDecks) -> dict[str, list[SlideView]]:
    """Each real deck's slides, as stored after a full ingestion."""
    return {
        name: ingested_decks.services.content.slides(deck_id) for name, deck_id in ingested_decks.ids.items()
    }


def _pdf_page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def _pptx_visible_slides(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("ppt/presentation.xml"))
    return len(root.find(f"{P}sldIdLst") or [])


def _visible(text: str) -> int:
    return sum(not c.isspace() for c in text)


def test_every_deck_has_a_source_and_a_license_that_lets_it_ship(decks_dir: Path) -> None:
    """The decks travel with the repository, so each one must say where it came from and under what terms."""
    table = [
        line.split("|")[1:-1]
        for line in (decks_dir / "SOURCES.md").read_text().splitlines()
        if line[:1] == "|"
    ]
    licenses = {cells[0].strip(): cells[4].strip() for cells in table[2:]}  # less the header and its rule
    decks = sorted(p.name for p in decks_dir.glob("*.p*"))
    assert decks == sorted(licenses)
    for name in decks:
        assert licenses[name].startswith(("Apache-2.0", "MIT", "CC-BY-4.0", "CC-BY-SA-4.0")), name
    asked = {json.loads(line)["deck"] for line in (decks_dir / "qa.jsonl").read_text().splitlines() if line}
    assert asked <= set(decks)


def test_slide_counts_match_the_files(ingested: dict[str, list[SlideView]], decks_dir: Path) -> None:
    for name, slides in ingested.items():
        path = decks_dir / name
        expected = len(_pdf_page_texts(path)) if name.endswith(".pdf") else _pptx_visible_slides(path)
        assert [s.number for s in slides] == list(range(1, expected + 1)), name


def test_pdf_slides_with_a_text_layer_keep_it(ingested: dict[str, list[SlideView]], decks_dir: Path) -> None:
    for name in (n for n in ingested if n.endswith(".pdf")):
        for slide, layer in zip(ingested[name], _pdf_page_texts(decks_dir / name), strict=True):
            if _visible(layer) >= MIN_CHARS:
                # Kept, and first: OCR (of a slide whose pictures hold words) only adds lines after it.
                words = [w for w in layer.split() if len(w) > 3][:3]
                assert all(w in slide.title + " " + slide.text for w in words), (name, slide.number, words)


def test_pptx_slides_with_text_keep_it(ingested: dict[str, list[SlideView]], decks_dir: Path) -> None:
    for name in (n for n in ingested if n.endswith(".pptx")):
        prs = Presentation(str(decks_dir / name))
        for slide, source in zip(ingested[name], prs.slides, strict=True):
            shape_text = " ".join(s.text_frame.text for s in source.shapes if s.has_text_frame)
            if _visible(shape_text) >= MIN_CHARS:
                assert _visible(slide.title + slide.text) >= MIN_CHARS, (name, slide.number)


def test_image_only_slides_are_ocrd(ingested: dict[str, list[SlideView]]) -> None:
    expected = {
        ("cncf-what-is-cloud-native-2016.pdf", 53): "The S word",
        ("cncf-what-is-cloud-native-2016.pdf", 54): "Standards",
        ("cncf-what-is-cloud-native-2016.pdf", 57): "Docker",
        ("k8s-new-contributor-orientation-2025-04.pdf", 70): "Q&A",
        ("mipt-ml-lecture02-linear-models.pdf", 42): "Backup",
        ("msra-ai-system-14-ai-for-systems-zh.pdf", 1): "人工智能系统",
        ("cncf-overview-japanese-2018.pdf", 34): "付録",
        ("ms-workshop-intro-regression-r-tidymodels-es.pptx", 21): "Resumen",
    }
    for (name, number), phrase in expected.items():
        slide = ingested[name][number - 1]
        # A line OCR reads that the text layer already has (the title) is not added twice.
        assert slide.ocr and phrase in f"{slide.title}\n{slide.text}", (name, number, slide.text)
    # Photos without any words stay empty rather than collecting stray glyphs.
    photo = ingested["cncf-what-is-cloud-native-2016.pdf"][8]
    assert photo.ocr and photo.text == ""


def test_speaker_notes_are_on_exactly_the_slides_that_have_them(
    ingested: dict[str, list[SlideView]], decks_dir: Path
) -> None:
    counts: dict[str, int] = {}
    for name in (n for n in ingested if n.endswith(".pptx")):
        prs = Presentation(str(decks_dir / name))
        has_notes = [
            s.has_notes_slide and bool(s.notes_slide.notes_text_frame.text.strip()) for s in prs.slides
        ]
        assert [bool(s.notes) for s in ingested[name]] == has_notes, name
        counts[name] = sum(has_notes)
    # The counts SOURCES.md gives for these decks.
    assert counts == {
        "aes-2011-evaluation-communication-tables.pptx": 11,
        "ecodesign-tuwien-electronics-sustainability-de.pptx": 12,
        "ms-python-pandas-series-dataframe.pptx": 0,
        "ms-workshop-clean-prepare-data-python.pptx": 32,
        "ms-workshop-intro-regression-r-tidymodels-es.pptx": 13,
        "owasp-top10-2013-presentation.pptx": 5,
    }


def test_smartart_and_chart_text_is_extracted(ingested: dict[str, list[SlideView]]) -> None:
    owasp = ingested["owasp-top10-2013-presentation.pptx"]
    assert "First developed in 2003" in owasp[1].text  # SmartArt only
    assert owasp[2].text.index("A1: Injection") < owasp[2].text.index("A10: Unvalidated Redirects")
    assert "Vulnerable Download 26%" in owasp[35].text  # a pie chart's data labels
    assert "AntiSamy" in owasp[35].text  # a bar chart's categories


def test_every_image_decodes_at_the_expected_size(
    ingested: dict[str, list[SlideView]], decks_dir: Path, services: Services
) -> None:
    settings = services.settings
    for name, slides in ingested.items():
        aspect = _page_aspects(decks_dir / name, len(slides))
        for slide, (page_w, page_h) in zip(slides, aspect, strict=True):
            full = _decode(services, slide.image)
            thumb = _decode(services, slide.thumbnail)
            assert full.size == (settings.image_width, slide.height) == (slide.width, slide.height)
            assert abs(full.height - settings.image_width * page_h / page_w) <= 1, (name, slide.number)
            assert thumb.width == settings.thumb_width
            assert abs(thumb.height - settings.thumb_width * page_h / page_w) <= 1, (name, slide.number)


def _decode(services: Services, url: str) -> Image.Image:
    digest = url.removeprefix("/media/").removesuffix(".webp")
    image = Image.open(io.BytesIO(services.blobs.path(digest).read_bytes()))
    assert image.format == "WEBP"
    image.load()
    return image


def _page_aspects(path: Path, count: int) -> list[tuple[float, float]]:
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(path)
        try:
            return [pdf.get_page_size(i) for i in range(len(pdf))]
        finally:
            pdf.close()
    prs = Presentation(str(path))
    return [(float(prs.slide_width or 1), float(prs.slide_height or 1))] * count
