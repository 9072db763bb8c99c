"""How much of each slide is pictures that may hold text: screenshots, charts, photographed tables.

A slide whose text layer is a title over a screenshot says little in text: the words a viewer asks
about are in the picture. Such slides are OCR'd too. Two kinds of picture are left out because they
hold the deck's template, not its content: one covering (nearly) the whole page, a background, and
the same picture at the same place on many pages, a logo or header band. (Charts drawn at one place on
every slide are content: they differ, so only the same image data there counts as template.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

BACKGROUND_SHARE = 0.9  # a picture covering this much of its page is the page's background
TEMPLATE_PAGES = 1 / 3  # a picture at the same place on this share of pages belongs to the template
_MIN_PAGES_FOR_TEMPLATE = 4  # fewer pages can't tell a template from a deck of similar slides


@dataclass(frozen=True, slots=True)
class Picture:
    """What a picture is (a digest of its data) and where (PDF points, rounded so repeats compare equal),
    and its share of its page."""

    key: tuple[str, int, int, int, int]
    share: float


def picture(
    digest: str, left: float, bottom: float, right: float, top: float, width: float, height: float
) -> Picture:
    """A picture clipped to its page of ``width`` by ``height`` points."""
    clipped_w = max(0.0, min(right, width) - max(left, 0.0))
    clipped_h = max(0.0, min(top, height) - max(bottom, 0.0))
    share = clipped_w * clipped_h / (width * height) if width > 0 and height > 0 else 0.0
    return Picture((digest, round(left), round(bottom), round(right), round(top)), share)


def content_shares(pages: Sequence[Sequence[Picture]]) -> list[float]:
    """For each page, the share of it (0..1) that content pictures cover (overlaps counted twice)."""
    places = Counter(key for page in pages for key in {p.key for p in page})
    repeated = len(pages) >= _MIN_PAGES_FOR_TEMPLATE
    shares = []
    for page in pages:
        content = [
            p.share
            for p in page
            if p.share < BACKGROUND_SHARE and not (repeated and places[p.key] >= TEMPLATE_PAGES * len(pages))
        ]
        shares.append(min(sum(content), 1.0))
    return shares
