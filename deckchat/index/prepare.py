"""What the retrievers read for each chunk: its text with deck-wide boilerplate taken out.

Beamer footers and corporate headers repeat on nearly every slide ("Jane Doe · Talk title · Conf
2016"); left in, they make every slide look alike to the embedders and match every question that
names the talk's subject.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from deckchat.core.chat import Chunk, ChunkKind

# Copyright and licence lines ("© 2016 Microsoft Corporation. All rights reserved.") are legal
# furniture: they name a company and a year that questions about revenue or history then "match".
_LEGAL = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.IGNORECASE)
BOILERPLATE_SHARE = 0.5  # a line on half the slides or more is furniture (footer, header), not content
MIN_SLIDES = 8  # in a short deck a repeated line may well be the point


def boilerplate_lines(chunks: Sequence[Chunk]) -> frozenset[str]:
    """Lines (of three words or more) repeated on a large share of a deck's slides."""
    slides = [c for c in chunks if c.kind is ChunkKind.SLIDE]
    if len(slides) < MIN_SLIDES:
        return frozenset()
    counts = Counter(line for c in slides for line in {_key(x) for x in c.text.splitlines()})
    floor = BOILERPLATE_SHARE * len(slides)
    return frozenset(line for line, n in counts.items() if n >= floor and len(line.split()) >= 3)


def search_text(chunk: Chunk, boilerplate: frozenset[str] = frozenset()) -> str:
    """The text to index: speaker notes carry their slide's title (kept in heading_path) as context."""
    lines = [x for x in chunk.text.splitlines() if _key(x) not in boilerplate and not _LEGAL.search(x)]
    body = "\n".join(lines)
    if chunk.kind is ChunkKind.SPEAKER_NOTES and chunk.heading_path:
        return f"{' > '.join(chunk.heading_path)}\n{body}"
    return body


def search_texts(chunks: Sequence[Chunk]) -> list[str]:
    boilerplate = boilerplate_lines(chunks)
    return [search_text(c, boilerplate) for c in chunks]


def _key(line: str) -> str:
    return " ".join(line.split())
