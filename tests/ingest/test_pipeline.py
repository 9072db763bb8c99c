"""One deck through every ingestion stage, called directly on tiny PDFs: the slides, their images and
text, which slides get OCR, the deck's title, the notes, and the progress a job reports."""

from __future__ import annotations

import hashlib
from pathlib import Path

from deckchat.core.deck import Deck, NotesFormat, Stage
from deckchat.core.limits import Limits
from deckchat.ingest.pipeline import IngestOptions, NotesSource, ingest
from deckchat.ingest.validate import SourceFile
from tests.ingest.hostile import pages_pdf

OPTIONS = IngestOptions(limits=Limits(), image_width=400, thumb_width=80)


class Blobs:
    """The blob store's one method, in memory."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def put(self, data: bytes, ext: str) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.stored[digest] = data
        return digest


def run(
    path: Path, tmp_path: Path, notes: list[NotesSource] | None = None, blobs: Blobs | None = None
) -> tuple[Deck, list[Stage]]:
    """The deck ``ingest`` makes of ``path``, and the stage of each progress report, in order."""
    stages: list[Stage] = []
    deck = ingest(
        SourceFile(path, path.name),
        notes or [],
        options=OPTIONS,
        blobs=blobs or Blobs(),
        progress=lambda stage, done, total: stages.append(stage),
        work_dir=tmp_path,
    )
    return deck, stages


def test_each_page_becomes_a_slide_with_its_images_and_text_layer(tmp_path: Path) -> None:
    blobs = Blobs()
    path = pages_pdf(tmp_path, 3, text="Tides follow the moon every day")

    deck, _ = run(path, tmp_path, blobs=blobs)

    assert [s.number for s in deck.slides] == [1, 2, 3]
    assert all("Tides follow the moon every day" in s.title + s.text for s in deck.slides)
    assert not any(s.ocr for s in deck.slides)
    first = deck.slides[0]
    assert (first.width, first.height) == (400, 225)  # 720 x 405 points at the configured width
    assert {first.image_hash, first.thumb_hash} <= set(blobs.stored)


def test_a_slide_with_too_little_text_is_read_by_ocr(tmp_path: Path) -> None:
    deck, stages = run(pages_pdf(tmp_path, 1, text="Hi"), tmp_path)
    (slide,) = deck.slides
    assert slide.ocr
    assert Stage.OCR in stages


def test_a_placeholder_metadata_title_gives_way_to_the_slides_and_then_the_file_name(tmp_path: Path) -> None:
    named, _ = run(pages_pdf(tmp_path, name="a.pdf", title="Ocean tides explained"), tmp_path)
    from_slide, _ = run(
        pages_pdf(tmp_path, name="b.pdf", title="PowerPoint Presentation", text="Hi"), tmp_path
    )
    untitled, _ = run(pages_pdf(tmp_path, name="c.pdf", title="Presentation1", text=""), tmp_path)
    assert named.title == "Ocean tides explained"
    assert from_slide.title == "Hi"
    assert untitled.title == "c"


def test_notes_are_parsed_and_progress_follows_the_stages_in_order(tmp_path: Path) -> None:
    notes_file = tmp_path / "talk.md"
    notes_file.write_text("# Opening\nThe moon pulls the sea.\n", encoding="utf-8")
    notes = [NotesSource(SourceFile(notes_file, "talk.md"), NotesFormat.MARKDOWN, "hash-of-notes")]

    deck, stages = run(pages_pdf(tmp_path, 2), tmp_path, notes)

    (document,) = deck.notes
    assert (document.filename, document.blob_hash) == ("talk.md", "hash-of-notes")
    assert any("The moon pulls the sea." in section.text for section in document.sections)
    order = list(dict.fromkeys(stages))
    assert order == sorted(order, key=list(Stage).index)
    assert order[0] is Stage.VALIDATE and order[-1] is Stage.NOTES
