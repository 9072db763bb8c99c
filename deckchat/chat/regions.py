"""Where an answer's quotes are drawn: each citation's regions, from the lines its slide stored at ingest.

Only the quote's characters are looked up here; the boxes were measured once, when the deck was
ingested. A quote from notes gets none, so a citation says nothing about where notes text would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from deckchat.core.boxes import located_text, quote_regions
from deckchat.core.chat import Answer, Citation
from deckchat.core.deck import SlideContent


def with_regions(answer: Answer, slides: Mapping[int, SlideContent]) -> Answer:
    """The answer with each citation's regions on its slide (``slides`` by number: the cited ones)."""
    cited = tuple(_located(citation, slides.get(citation.slide)) for citation in answer.citations)
    return replace(answer, citations=cited)


def _located(citation: Citation, slide: SlideContent | None) -> Citation:
    if citation.notes or slide is None or not slide.lines:
        return replace(citation, regions=())
    located = located_text(slide.title, slide.text)
    return replace(citation, regions=quote_regions(citation.quote, located, slide.lines))
