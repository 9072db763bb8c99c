"""validate_deck on files whose container is sound but whose contents are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.core.limits import Limits
from deckchat.ingest.validate import SourceFile, validate_deck
from tests.ingest import hostile


def test_pptx_whose_presentation_part_is_not_xml_is_corrupt(tmp_path: Path) -> None:
    path = hostile.write_zip(
        tmp_path / "cut.pptx", hostile.pptx_entries({"ppt/presentation.xml": b"<p:presentation><p:sldIdLst>"})
    )
    with pytest.raises(DeckchatError) as caught:
        validate_deck(SourceFile(path, "Quarterly review.pptx"), Limits())
    assert caught.value.code == "corrupt_file"
    assert caught.value.message.startswith("Quarterly review.pptx is damaged")


def test_pdf_with_a_page_pdfium_cannot_load_names_the_page(tmp_path: Path) -> None:
    path = hostile.bad_page_pdf(tmp_path)
    with pytest.raises(DeckchatError) as caught:
        validate_deck(SourceFile(path, "Board update.pdf"), Limits())
    assert caught.value.code == "corrupt_pdf"
    assert caught.value.message.startswith("Page 2 of Board update.pdf is damaged")


def test_odp_slides_are_counted_before_conversion(tmp_path: Path) -> None:
    limits = Limits(max_slides=3)
    fits = hostile.odf_zip(tmp_path, "fits.odp", pages=3)
    assert validate_deck(SourceFile(fits, fits.name), limits).value == "odp"
    long = hostile.odf_zip(tmp_path, "long.odp", pages=4)
    with pytest.raises(DeckchatError) as caught:
        validate_deck(SourceFile(long, long.name), limits)
    assert caught.value.code == "too_many_slides"
    assert caught.value.message == "long.odp has 4 slides; the limit is 3."


def test_pdf_without_its_header_is_a_damaged_pdf_not_a_text_file(tmp_path: Path) -> None:
    path = hostile.pages_pdf(tmp_path)
    path.write_bytes(path.read_bytes().split(b"\n", 1)[1])  # drop the %PDF-1.7 line
    with pytest.raises(DeckchatError) as caught:
        validate_deck(SourceFile(path, path.name), Limits())
    assert caught.value.code == "corrupt_pdf"
    assert caught.value.message.startswith("deck.pdf is a damaged PDF")
