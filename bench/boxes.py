"""What storing the slides' line boxes costs: bytes per slide, and ingest time per slide against the whole
ingestion of the same decks, measured in the same run.

For each deck (real ones from tests/data/decks by default) it ingests the deck once through the server's
code path (the baseline: seconds per slide), then, interleaved page by page over --repeat rounds, times:
  before - the text walk ingest did before boxes (pdfium's characters and font sizes, nothing else);
  after  - what ingest does now: the same walk with each character's box, then placing the lines in
           the slide's text. A PPTX's text comes from python-pptx, so its whole walk is added work.
Added time per slide = median(after) - median(before); the target is under 10 % of ingest per slide.
Bytes per slide: the stored JSON of the slides' lines, read back from the database.
Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from sqlalchemy import func, select

from deckchat.core.boxes import located_text, place_lines
from deckchat.core.deck import DeckFormat
from deckchat.ingest.convert import convert_to_pdf
from deckchat.ingest.pdf import page_text
from deckchat.jobs.in_process import ingest_now
from deckchat.services.app_services import open_services
from deckchat.settings import Settings
from deckchat.store.tables import SlideRow

TARGET = 0.10
DECKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "decks"
DEFAULT = (
    "cncf-what-is-cloud-native-2016.pdf",
    "mipt-ml-lecture02-linear-models.pdf",
    "ms-python-pandas-series-dataframe.pptx",
    "owasp-top10-2013-presentation.pptx",
)


def walk_without_boxes(page: pdfium.PdfPage) -> int:
    """The pre-boxes text walk: each character's code and font size (ingest/pdf.py before boxes)."""
    textpage = page.get_textpage()
    try:
        seen = 0
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            if code >= 0x20 and not chr(min(code, sys.maxunicode)).isspace():
                pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
                seen += 1
        return seen
    finally:
        textpage.close()


def walk_with_boxes(page: pdfium.PdfPage) -> int:
    drawn = page_text(page)
    return len(place_lines(located_text(drawn.title, drawn.text), drawn.lines))


def timed_pages(pdf_path: Path, rounds: int, *, pdf_text: bool) -> tuple[float, float]:
    """Median seconds per page of (before, after), the two walks alternating page by page."""
    before: list[float] = []
    after: list[float] = []
    with pdfium.PdfDocument(pdf_path) as pdf:
        for _ in range(rounds):
            for index in range(len(pdf)):
                page = pdf[index]
                start = time.perf_counter()
                if pdf_text:
                    walk_without_boxes(page)
                middle = time.perf_counter()
                walk_with_boxes(page)
                end = time.perf_counter()
                page.close()
                before.append(middle - start)
                after.append(end - middle)
    return statistics.median(before), statistics.median(after)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("decks", nargs="*", default=list(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as home:
        services = open_services(Settings(home=Path(home)))
        load = os.getloadavg()[0]
        for name in args.decks:
            path = DECKS / name
            start = time.perf_counter()
            deck_id = ingest_now(services, path)
            ingest_s = time.perf_counter() - start
            fmt = DeckFormat(path.suffix[1:])
            pdf = (
                path
                if fmt is DeckFormat.PDF
                else convert_to_pdf(path, fmt, Path(home), soffice="soffice", timeout_s=180)
            )
            before, after = timed_pages(pdf, args.repeat, pdf_text=fmt is DeckFormat.PDF)
            with services.db.read() as session:
                count, stored = session.execute(
                    select(func.count(), func.sum(func.length(SlideRow.lines))).where(
                        SlideRow.deck_id == deck_id
                    )
                ).one()
            rows.append((name, count, ingest_s / count, after - before, stored / count))
        services.close()
    end_load = os.getloadavg()[0]
    print(f"load average (1 min) at start: {load:.1f}; at end: {end_load:.1f}; cores: {os.cpu_count()}")
    print("| deck | slides | ingest ms/slide | boxes added ms/slide | added share | bytes/slide stored |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for name, count, per_slide, added, stored in rows:
        share = added / per_slide
        worst = max(worst, share)
        print(
            f"| {name} | {count} | {per_slide * 1000:.0f} | {added * 1000:.2f} | {share:.2%} | {stored:.0f} |"
        )
    print(f"worst added share {worst:.2%} (target < {TARGET:.0%})")
    return 0 if worst < TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
