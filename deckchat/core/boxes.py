"""Where a slide's text sits on the slide: its lines' boxes, tied to the slide text by character offsets.

Ingest measures each visible line (pdfium's character boxes, or an OCR line's box) and places it in the
slide's located text (``located_text``: the title, a line break, the body) by matching its text, so the
offsets hold whatever extracted the slide's text (pdfium, python-pptx, OCR). A question then only maps
its quote's characters through the stored offsets: nothing is measured again.

Coordinates are fractions of the slide's width and height, origin at the top left. A line measured
character by character also keeps its ``edges``: the x of the boundary before each of its characters
and after the last, so a quote that is part of a line gets its own words' width, not the line's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Stored coordinates are whole ten-thousandths of the slide: 0.16 px on a 1600 px image.
_SCALE = 10_000
_DIGITS = 4
_CJK_FROM = 0x2E80  # scripts written without spaces: a line may break inside a run of them


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the slide, in fractions of its width and height from the top left."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of the slide's located text, ``[start, end)``, and where it is drawn. ``edges`` holds
    ``end - start + 1`` x positions, or none when only the line's box is known (OCR)."""

    start: int
    end: int
    box: Box
    edges: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasuredLine:
    """A line as the page draws it, before it is placed: its text, its box, and ``len(text) + 1`` edges
    (or none)."""

    text: str
    box: Box
    edges: tuple[float, ...] = ()


def located_text(title: str, text: str) -> str:
    """The string a slide's line offsets count in: its title, a line break, its text."""
    return f"{title}\n{text}"


def place_lines(located: str, measured: Iterable[MeasuredLine]) -> tuple[TextLine, ...]:
    """Each measured line at the first place in ``located`` that shows its text (whitespace runs
    equal, at word boundaries) and that no earlier line took. A line found nowhere, even without a
    leading bullet glyph, gets no place: no box is better than a guessed one."""
    norm, where = _normalised(located)
    taken: list[tuple[int, int]] = []
    placed = []
    for line in measured:
        found = _find_line(norm, taken, line)
        if found is None:
            continue
        pos, text, text_where = found
        taken.append((pos, pos + len(text)))
        placed.append(_placed(line, pos, text, text_where, where))
    return tuple(sorted(placed, key=lambda line: line.start))


def quote_regions(quote: str, located: str, lines: Sequence[TextLine]) -> tuple[Box, ...]:
    """The boxes of ``quote``'s characters in the slide's located text, one per line it touches; none
    when the quote is not on the slide or the slide's lines have no boxes."""
    wanted, _ = _normalised(quote)
    if not wanted or not lines:
        return ()
    norm, where = _normalised(located)
    pos = norm.find(wanted)
    while pos >= 0:
        regions = _span_regions(where[pos], where[pos + len(wanted) - 1] + 1, lines)
        if regions:
            return regions
        pos = norm.find(wanted, pos + 1)
    return ()


def encode_lines(lines: Sequence[TextLine]) -> list[list[int]]:
    """Lines as compact JSON: ``[start, end, x, y, w, h, *edges]``, coordinates in ten-thousandths,
    edges from the line's x."""
    rows = []
    for line in lines:
        x, y, w, h = (_fixed(v) for v in (line.box.x, line.box.y, line.box.w, line.box.h))
        rows.append([line.start, line.end, x, y, w, h, *(_fixed(e) - x for e in line.edges)])
    return rows


def decode_lines(rows: Sequence[Sequence[Any]]) -> tuple[TextLine, ...]:
    lines = []
    for start, end, x, y, w, h, *edges in rows:
        box = Box(x / _SCALE, y / _SCALE, w / _SCALE, h / _SCALE)
        lines.append(TextLine(int(start), int(end), box, tuple((x + e) / _SCALE for e in edges)))
    return tuple(lines)


def union(boxes: Iterable[Box]) -> Box | None:
    """The smallest box holding all of ``boxes``; None for none."""
    items = list(boxes)
    if not items:
        return None
    left, top = min(b.x for b in items), min(b.y for b in items)
    right, bottom = max(b.x + b.w for b in items), max(b.y + b.h for b in items)
    return Box(left, top, right - left, bottom - top)


def _fixed(value: float) -> int:
    return round(value * _SCALE)


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` stripped, each whitespace run one space, and the index in ``text`` of each character."""
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                where.append(index)
            continue
        chars.append(char)
        where.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def _find_line(
    norm: str, taken: list[tuple[int, int]], line: MeasuredLine
) -> tuple[int, str, list[int]] | None:
    text, text_where = _normalised(line.text)
    bullet = _bullet_length(text)
    for cut in (0, bullet) if bullet else (0,):
        candidate = text[cut:]
        pos = _free_occurrence(norm, candidate, taken) if candidate else None
        if pos is not None:
            return pos, candidate, text_where[cut:]
    return None


def _bullet_length(text: str) -> int:
    """How many leading characters are a bullet glyph and its space ("• ", "▪ ", a private-use icon)."""
    index = 0
    while index < len(text) and unicodedata.category(text[index])[0] in "PSC" and text[index] not in "([\"'":
        index += 1
    if index and index < len(text) and text[index] == " ":
        return index + 1
    return 0


def _free_occurrence(norm: str, text: str, taken: list[tuple[int, int]]) -> int | None:
    pos = norm.find(text)
    while pos >= 0:
        end = pos + len(text)
        free = all(end <= start or pos >= stop for start, stop in taken)
        if free and not _joined(norm, pos - 1, pos) and not _joined(norm, end - 1, end):
            return pos
        pos = norm.find(text, pos + 1)
    return None


def _joined(text: str, left: int, right: int) -> bool:
    """Whether a match boundary between ``left`` and ``right`` cuts a word of a spaced script."""
    if left < 0 or right >= len(text):
        return False
    a, b = text[left], text[right]
    return a.isalnum() and b.isalnum() and ord(a) < _CJK_FROM and ord(b) < _CJK_FROM


def _placed(line: MeasuredLine, pos: int, text: str, text_where: list[int], where: list[int]) -> TextLine:
    start, end = where[pos], where[pos + len(text) - 1] + 1
    if not line.edges:
        return TextLine(start, end, line.box)
    edges: list[float | None] = [None] * (end - start + 1)
    for k in range(len(text)):
        edges[where[pos + k] - start] = line.edges[text_where[k]]
    edges[-1] = line.edges[text_where[-1] + 1]
    filled: list[float] = []
    for edge in edges:  # whitespace the match collapsed: at the boundary before it
        filled.append(edge if edge is not None else filled[-1])
    return TextLine(start, end, line.box, tuple(filled))


def _span_regions(start: int, end: int, lines: Sequence[TextLine]) -> tuple[Box, ...]:
    regions = []
    for line in lines:
        lo, hi = max(start, line.start), min(end, line.end)
        if lo >= hi:
            continue
        if line.edges:
            xs = line.edges[lo - line.start : hi - line.start + 1]
            left, right = min(xs), max(xs)
        else:
            left, right = line.box.x, line.box.x + line.box.w
        box = line.box
        regions.append(Box(*(round(v, _DIGITS) for v in (left, box.y, right - left, box.h))))
    return tuple(regions)
