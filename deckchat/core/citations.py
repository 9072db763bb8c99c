"""Citation markers in generated text: "[3]", "[slide 3]", "[Slides 3, 4]", "(slide 3)"."""

from __future__ import annotations

import re

_MARKER = re.compile(r"[\[(](?:slides?\s*)?(\d{1,4}(?:\s*(?:,|and|&|-|–)\s*\d{1,4})*)[\])]", re.IGNORECASE)


def cited_slides(text: str) -> list[int]:
    """Slide numbers cited in ``text``, in order of first mention."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        for number in re.findall(r"\d+", match.group(1)):
            if int(number) not in seen:
                seen.append(int(number))
    return seen


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()
