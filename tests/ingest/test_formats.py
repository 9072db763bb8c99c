"""Every deck and notes format through the whole pipeline, with files LibreOffice and python-docx make."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document

from deckchat.ingest.pptx_text import extract_pptx
from deckchat.services.app_services import Services, open_services
from deckchat.settings import Settings
from tests.ingest import hostile

pytestmark = pytest.mark.slow
PANDAS = "ms-python-pandas-series-dataframe.pptx"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = open_services(Settings(home=tmp_path_factory.mktemp("home")))
    yield services
    services.close()


@pytest.fixture(scope="module")
def saved_as(decks_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pandas deck re-saved by LibreOffice as ODP and as PowerPoint 97 (.ppt)."""
    folder = tmp_path_factory.mktemp("formats")
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: run make setup"
    source = folder / "pandas.pptx"
    shutil.copyfile(decks_dir / PANDAS, source)
    for fmt in ("odp", "ppt"):
        command = [soffice, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}"]
        subprocess.run(
            [*command, "--convert-to", fmt, "--outdir", str(folder), str(source)], check=True, timeout=180
        )
    return {fmt: folder / f"pandas.{fmt}" for fmt in ("odp", "ppt")}


@pytest.mark.parametrize("fmt", ["odp", "ppt"])
def test_odp_and_ppt_decks_convert(
    fmt: str, saved_as: dict[str, Path], services: Services, ready_deck: Callable[..., str]
) -> None:
    deck_id = ready_deck(saved_as[fmt])
    slides = services.content.slides(deck_id)
    assert len(slides) == 10
    assert services.decks.get(deck_id).source_format == fmt
    assert "Series" in " ".join(s.title + s.text for s in slides)


def test_a_pptx_python_pptx_cannot_read_takes_its_text_from_the_pdf(
    services: Services, tmp_path: Path, ready_deck: Callable[..., str]
) -> None:
    path = hostile.pptx_with_unparsable_offset(tmp_path)
    with pytest.raises(ValueError):
        extract_pptx(path)
    slides = services.content.slides(ready_deck(path))
    assert len(slides) == 2
    assert "Quarterly review" in slides[0].title + slides[0].text
    assert "Revenue grew 12 percent" in slides[1].text


def test_docx_and_pdf_notes(
    services: Services, decks_dir: Path, tmp_path: Path, ready_deck: Callable[..., str]
) -> None:
    doc = Document()
    doc.add_heading("Talk plan", level=1)
    doc.add_paragraph("Open with the survey results.")
    doc.add_heading("Questions to expect", level=2)
    doc.add_paragraph("Why not TOTP?")
    docx = tmp_path / "plan.docx"
    doc.save(str(docx))
    pdf_notes = tmp_path / "handout.pdf"
    shutil.copyfile(decks_dir / "bsides-2016-sms-otp-not-secure-beamer.pdf", pdf_notes)

    deck_id = ready_deck(decks_dir / "mipt-ml-lecture02-linear-models.pdf", docx, pdf_notes)
    plan, handout = services.content.notes(deck_id)
    assert (plan.format, handout.format) == ("docx", "pdf")
    assert [(s.heading_path, s.text) for s in plan.sections] == [
        (["Talk plan"], "Open with the survey results."),
        (["Talk plan", "Questions to expect"], "Why not TOTP?"),
    ]
    assert len(handout.sections) == 60 and handout.sections[1].heading_path == ["Page 2"]
    assert "The Problem" in handout.sections[1].text
