"""Starter questions for a deck, derived from its slide titles at ingest."""

from __future__ import annotations

import re
from collections.abc import Sequence

from deckchat.core.deck import Slide

_GENERIC = re.compile(
    r"^(agenda|overview|outline|contents?|summary|conclusions?|questions\??|q\s*&\s*a|thank you.*|thanks.*"
    r"|backup|appendix|introduction|intro|about me|resumen|zusammenfassung|inhalt|fragen\??|preguntas\??"
    r"|付録.*|目次|总结|谢谢.*)$",
    re.IGNORECASE,
)
_MAX = 4


def suggested_questions(slides: Sequence[Slide]) -> list[str]:
    """Up to four questions about distinct, informative slide titles spread across the deck."""
    titles: list[str] = []
    for slide in slides[1:] or slides:  # the first slide's title is the deck's own
        title = " ".join(slide.title.split()).rstrip(":.")
        if 2 <= len(title.split()) <= 12 and not _GENERIC.match(title) and title not in titles:
            titles.append(title)
    if len(titles) > _MAX:
        step = len(titles) / _MAX
        titles = [titles[int(i * step)] for i in range(_MAX)]
    return [f"What does the deck say about “{title}”?" for title in titles]
