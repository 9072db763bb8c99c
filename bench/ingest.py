"""Ingestion speed against the bare floor, measured in the same run.

Generates a 50-slide PPTX (text, a table, a picture on every slide) and its 50-page PDF, then times:
  floor  - pypdfium2 render + WebP encode of every page, one thread, nothing else;
  ours   - the whole ingestion (validate, render, encode, text, thumbnails, OCR where needed,
           blobs, database rows), through the same code path the server uses.
Targets on a 2-core machine: PDF ingest <= 2.5x the floor; PPTX ingest <= LibreOffice's conversion
time plus the floor. Each figure is the median of --repeat runs. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.util import Inches, Pt

from deckchat.bootstrap import bootstrap
from deckchat.core.deck import DeckFormat, Stage
from deckchat.ingest.convert import convert_to_pdf
from deckchat.ingest.images import encode_webp
from deckchat.jobs.in_process import ingest_now
from deckchat.services.app_services import open_services
from deckchat.settings import Settings

PDF_TARGET = 2.5
PPTX_TARGET = 1.0


def make_pptx(folder: Path, slides: int) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for n in range(1, slides + 1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = f"Quarter {n}: results and outlook"
        box = slide.shapes.add_textbox(Inches(0.7), Inches(1.6), Inches(6), Inches(4)).text_frame
        box.text = f"Revenue grew in region {n}."
        for line in ("Costs were flat.", "Hiring continues.", "Risks: supply, currency, demand."):
            box.add_paragraph().text = line
        table = slide.shapes.add_table(3, 3, Inches(0.7), Inches(5.2), Inches(6), Inches(1.5)).table
        for r in range(3):
            for c in range(3):
                table.cell(r, c).text = f"r{r}c{c}"
                table.cell(r, c).text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        slide.shapes.add_picture(io.BytesIO(_picture(n)), Inches(7.2), Inches(1.6), Inches(5.5))
        slide.notes_slide.notes_text_frame.text = f"Speaker notes for slide {n}."
    path = folder / "bench.pptx"
    prs.save(str(path))
    return path


def _picture(seed: int) -> bytes:
    image = Image.new("RGB", (800, 600), (20 * seed % 255, 90, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 800, 40):
        draw.line((i, 0, 800 - i, 600), fill=(255, (i + seed * 7) % 255, 80), width=6)
        draw.ellipse((i, i % 600, i + 60, i % 600 + 60), outline=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def floor_seconds(pdf_path: Path, settings: Settings) -> float:
    """The bare minimum: render each page at the image width and encode it as WebP."""
    start = time.perf_counter()
    pdf = pdfium.PdfDocument(pdf_path)
    for index in range(len(pdf)):
        page = pdf[index]
        width, _ = page.get_size()
        image = page.render(scale=settings.image_width / width, rev_byteorder=True).to_pil()
        encode_webp(image, settings.webp_quality)
        page.close()
    pdf.close()
    return time.perf_counter() - start


def ingest_seconds(path: Path, settings: Settings) -> tuple[float, dict[str, float]]:
    """Whole ingestion through ingest_now (DeckService.add + run_job), with time spent in each stage."""
    services = open_services(settings)
    marks: list[tuple[str, float]] = []

    def listen(stage: Stage, done: int, total: int) -> None:
        if not marks or marks[-1][0] != stage.value:
            marks.append((stage.value, time.perf_counter()))

    start = time.perf_counter()
    deck_id = ingest_now(services, path, listener=listen)  # raises if the deck fails
    end = time.perf_counter()
    services.decks.remove(deck_id)
    services.close()
    bounds = [*marks, ("end", end)]
    stages = {name: later - at for (name, at), (_, later) in itertools.pairwise(bounds)}
    stages["add (validate + store upload)"] = marks[0][1] - start if marks else 0.0
    return end - start, stages


def median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slides", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deckchat-bench-") as tmp:
        folder = Path(tmp)
        settings = Settings(home=folder / "home", _env_file=None)  # type: ignore[call-arg]
        bootstrap(settings)
        pptx = make_pptx(folder, args.slides)
        conversions: list[float] = []
        pdf = pptx

        def convert() -> float:
            nonlocal pdf
            start = time.perf_counter()
            out = convert_to_pdf(pptx, DeckFormat.PPTX, folder, soffice=settings.soffice, timeout_s=300)
            conversions.append(time.perf_counter() - start)
            pdf = out.rename(folder / "bench.pdf")
            return conversions[-1]

        convert_s = median(args.repeat, convert)
        floor_s = median(args.repeat, lambda: floor_seconds(pdf, settings))
        pdf_runs = [ingest_seconds(pdf, settings) for _ in range(args.repeat)]
        pptx_runs = [ingest_seconds(pptx, settings) for _ in range(args.repeat)]
    pdf_s = statistics.median(t for t, _ in pdf_runs)
    pptx_s = statistics.median(t for t, _ in pptx_runs)
    pdf_ratio, pptx_ratio = pdf_s / floor_s, pptx_s / (convert_s + floor_s)

    print(f"deckchat ingest benchmark: {args.slides} slides, median of {args.repeat} runs\n")
    print(f"{'measurement':<44}{'seconds':>9}")
    for label, value in [
        ("floor: pdfium render + WebP encode", floor_s),
        ("LibreOffice PPTX -> PDF conversion", convert_s),
        ("deckchat PDF ingest", pdf_s),
        ("deckchat PPTX ingest", pptx_s),
    ]:
        print(f"{label:<44}{value:>9.2f}")
    for name, runs in (("PDF", pdf_runs), ("PPTX", pptx_runs)):
        print(f"\n{name} ingest by stage (median run):")
        _, stages = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        for stage, seconds in stages.items():
            print(f"  {stage:<42}{seconds:>9.2f}")
    pdf_ok, pptx_ok = pdf_ratio <= PDF_TARGET, pptx_ratio <= PPTX_TARGET
    print(
        f"\nPDF ingest / floor                  = {pdf_ratio:.2f}x  (target <= {PDF_TARGET}x)  "
        f"{'PASS' if pdf_ok else 'FAIL'}"
    )
    print(
        f"PPTX ingest / (conversion + floor)  = {pptx_ratio:.2f}x  (target <= {PPTX_TARGET}x)  "
        f"{'PASS' if pptx_ok else 'FAIL'}"
    )
    return 0 if pdf_ok and pptx_ok else 1


if __name__ == "__main__":
    sys.exit(main())
