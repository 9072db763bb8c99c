"""What several ingestion tests do: build a simple deck, and ingest a file to a ready deck."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pptx

from deckchat.ingest.validate import SourceFile
from deckchat.jobs.execute import run_job
from deckchat.services.app_services import Services
from deckchat.store.jobs import owner_id


def title_and_body_pptx(path: Path, slides: Iterable[tuple[str, str]]) -> Path:
    """A PPTX made by python-pptx, one "Title and Content" slide per (title, body)."""
    deck = pptx.Presentation()
    for title, body in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    deck.save(str(path))
    return path


def ingest_ready(services: Services, deck: Path, *notes: Path) -> str:
    """Ingest a deck and its notes in this process, as `deckchat add` does; returns the ready deck's id."""
    owner = owner_id()
    deck_id, job_id = services.decks.add(
        SourceFile(deck, deck.name), [SourceFile(n, n.name) for n in notes], worker=owner
    )
    run_job(services, job_id, owner)
    view = services.decks.get(deck_id)
    assert view.status == "ready", view.error
    return deck_id
