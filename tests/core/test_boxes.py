"""Placing measured lines in a slide's text, and mapping a quote's characters back to boxes."""

from __future__ import annotations

import pytest

from deckchat.core.boxes import (
    Box,
    MeasuredLine,
    TextLine,
    decode_lines,
    encode_lines,
    located_text,
    place_lines,
    quote_regions,
    union,
)


def measured(text: str, x: float, y: float, char_w: float = 0.01, h: float = 0.05) -> MeasuredLine:
    """A line drawn at (x, y), every character ``char_w`` wide: its edges are easy to reason about."""
    edges = tuple(x + i * char_w for i in range(len(text) + 1))
    return MeasuredLine(text, Box(x, y, len(text) * char_w, h), edges)


def test_lines_are_placed_where_their_text_is_in_the_located_text() -> None:
    located = located_text("Results", "Revenue grew 12%\nCosts fell")
    lines = place_lines(located, [measured("Results", 0.1, 0.05), measured("Costs fell", 0.1, 0.4)])
    assert [(line.start, line.end, located[line.start : line.end]) for line in lines] == [
        (0, 7, "Results"),
        (25, 35, "Costs fell"),
    ]
    assert len(lines[1].edges) == len("Costs fell") + 1


def test_a_quote_inside_a_line_gets_its_own_width_not_the_lines() -> None:
    text = "Revenue grew 12%. Costs fell."
    located = located_text("", text)
    lines = place_lines(located, [measured(text, 0.1, 0.3)])
    (region,) = quote_regions("Costs fell.", located, lines)
    start = text.index("Costs")
    assert region == Box(0.1 + start * 0.01, 0.3, pytest.approx(len("Costs fell.") * 0.01), 0.05)


def test_a_quote_over_two_lines_has_one_region_per_line() -> None:
    # A title pdfium draws on two lines, joined with a space in the slide's title.
    located = located_text("What is Cloud Native and why should I care?", "")
    drawn = [measured("What is Cloud Native and", 0.1, 0.2), measured("why should I care?", 0.2, 0.3)]
    regions = quote_regions(
        "What is Cloud Native and why should I care?", located, place_lines(located, drawn)
    )
    assert [(r.x, r.y) for r in regions] == [(0.1, 0.2), (0.2, 0.3)]
    assert regions[1].w == pytest.approx(len("why should I care?") * 0.01)


def test_wrapped_lines_are_found_in_a_paragraph_with_other_spacing() -> None:
    # python-pptx's paragraph, drawn by LibreOffice as two lines with a bullet glyph in front.
    located = located_text("Goals", "Clean  the data before\tfitting any model")
    drawn = [measured("• Clean the data before", 0.1, 0.3), measured("fitting any model", 0.1, 0.36)]
    lines = place_lines(located, drawn)
    assert [located[line.start : line.end] for line in lines] == [
        "Clean  the data before",
        "fitting any model",
    ]
    # The bullet's width is not part of the line's words.
    assert lines[0].edges[0] == pytest.approx(0.1 + 2 * 0.01)
    assert len(lines[0].edges) == lines[0].end - lines[0].start + 1


def test_a_line_matching_nothing_gets_no_place_and_a_word_is_not_found_inside_another() -> None:
    located = located_text("", "Revenue 2015\nCosts")
    lines = place_lines(located, [measured("Profit", 0.1, 0.1), measured("15", 0.1, 0.2)])
    assert lines == ()


def test_repeated_lines_each_take_their_own_place() -> None:
    located = located_text("Agenda", "Agenda\nIntro")
    lines = place_lines(located, [measured("Agenda", 0.1, 0.05), measured("Agenda", 0.1, 0.3)])
    assert [(line.start, line.box.y) for line in lines] == [(0, 0.05), (7, 0.3)]


def test_cjk_lines_break_anywhere() -> None:
    located = located_text("", "人工智能系统的设计与实现")
    lines = place_lines(located, [measured("人工智能系统", 0.1, 0.2), measured("的设计与实现", 0.1, 0.3)])
    assert [(line.start, line.end) for line in lines] == [(1, 7), (7, 13)]


def test_an_ocr_line_without_edges_gives_its_whole_box() -> None:
    located = located_text("", "SCAN 4711 TOTAL")
    box = Box(0.2, 0.5, 0.4, 0.06)
    lines = place_lines(located, [MeasuredLine("SCAN 4711 TOTAL", box)])
    assert quote_regions("4711", located, lines) == (box,)


def test_a_quote_not_on_the_slide_or_a_slide_without_lines_has_no_regions() -> None:
    located = located_text("", "Revenue grew")
    lines = place_lines(located, [measured("Revenue grew", 0.1, 0.1)])
    assert quote_regions("Speaker notes say more", located, lines) == ()
    assert quote_regions("Revenue grew", located, ()) == ()
    assert quote_regions("", located, lines) == ()


def test_the_compact_form_round_trips_to_a_ten_thousandth() -> None:
    lines = (
        TextLine(0, 3, Box(0.12345, 0.5, 0.25, 0.05), (0.12345, 0.2, 0.3, 0.37345)),
        TextLine(4, 9, Box(0.1, 0.6, 0.4, 0.05)),
    )
    rows = encode_lines(lines)
    assert all(isinstance(value, int) for row in rows for value in row)
    back = decode_lines(rows)
    assert [(line.start, line.end, len(line.edges)) for line in back] == [(0, 3, 4), (4, 9, 0)]
    for old, new in zip(lines, back, strict=True):
        assert new.box.x == pytest.approx(old.box.x, abs=1e-4)
        assert new.edges == pytest.approx(old.edges, abs=1e-4)


def test_union_holds_every_box() -> None:
    assert union([Box(0.1, 0.2, 0.1, 0.1), Box(0.3, 0.1, 0.1, 0.05)]) == Box(
        0.1, 0.1, pytest.approx(0.3), pytest.approx(0.2)
    )
    assert union([]) is None
