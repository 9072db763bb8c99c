from __future__ import annotations

from pathlib import Path

from deckchat.core.limits import Limits
from deckchat.core.text import REPLACEMENT
from deckchat.ingest.pdf import bookmark_title, metadata_title, open_pdf, page_text
from tests.ingest.hostile import surrogates_pdf


def test_text_pairs_pdfiums_code_units_and_replaces_lone_surrogates(tmp_path: Path) -> None:
    with open_pdf(surrogates_pdf(tmp_path), Limits()) as pdf:
        page = pdf[0]
        try:
            text = page_text(page)
        finally:
            page.close()
        title, bookmarks = metadata_title(pdf), [bookmark_title(mark) for mark in pdf.get_toc()]
    assert (text.title, text.text) == (
        "",
        f"plain text line\nx\U0001d400y {REPLACEMENT} z {REPLACEMENT}\n\U0001f600",
    )
    assert (title, bookmarks) == (f"T{REPLACEMENT}", [f"New{REPLACEMENT}"])
