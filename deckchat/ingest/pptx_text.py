"""Text of a PPTX deck, slide by slide: titles, body text, tables, groups, SmartArt, charts, speaker notes.

Only visible slides count. Hidden slides are neither shown to viewers nor searched, and viewer slide
numbers run 1..N over the visible slides, matching the pages LibreOffice renders with hidden slides
excluded.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pptx
from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.opc.package import Part
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.slide import Slide
from pptx.table import Table

from deckchat.core.deck import SlideText
from deckchat.core.errors import InvalidInput
from deckchat.core.text import clean_text
from deckchat.ingest.numfmt import shown_number

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "dsp": "http://schemas.microsoft.com/office/drawing/2008/diagram",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_DRAWING_RELTYPE = "http://schemas.microsoft.com/office/2007/relationships/diagramDrawing"
_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
_CHROME = {PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER}
# Tops closer than a quarter inch (in EMU) sit on one visual row and read left to right.
_ROW_TOLERANCE = 228_600
_ESCAPED_CONTROL = re.compile(r"_x(00[01][0-9A-Fa-f])_")  # how OOXML text spells a control character
_BLANK_RUNS = re.compile(r"\n{3,}")


def _xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr, namespaces=_NS)


def _qname(name: str) -> str:
    prefix, tag = name.split(":")
    return f"{{{_NS[prefix]}}}{tag}"


# Runs (a:t) and chart cache values (c:v) carry text; paragraphs and line breaks separate it.
_TEXT_TAGS = {_qname("a:t"), _qname("c:v")}
_BREAK_TAGS = {_qname("a:p"), _qname("a:br")}

_HIDDEN = _xpath("./*[1]/p:cNvPr/@hidden")
_CHART_RID = _xpath("./a:graphic/a:graphicData/c:chart/@r:id")
_DIAGRAM_RID = _xpath("./a:graphic/a:graphicData/dgm:relIds/@r:dm")
_CHART_TITLE = _xpath("c:chart/c:title/c:tx")
_AUTO_TITLE_DELETED = _xpath("c:chart/c:autoTitleDeleted/@val")
_AXIS_TITLES = _xpath("c:chart/c:plotArea/*/c:title/c:tx")
_SERIES = _xpath("c:chart/c:plotArea/*/c:ser")
_SERIES_NAME = _xpath("c:tx")
_CATEGORIES = _xpath("c:cat//c:pt | c:xVal//c:pt")
_VALUES = _xpath("c:val//c:pt | c:yVal//c:pt")
_DATA_LABELS = _xpath("c:dLbls/c:dLbl/c:tx")
_FORMAT_CODE = _xpath("c:formatCode")
_DIAGRAM_POINTS = _xpath("dgm:ptLst/dgm:pt")
_DIAGRAM_PARENT_LINKS = _xpath("dgm:cxnLst/dgm:cxn[not(@type) or @type='parOf']")
# Assistant nodes (org charts) carry content just like plain nodes; the other point types are layout.
_CONTENT_POINT_TYPES = {None, "node", "asst"}
_DRAWING_TEXT = _xpath(".//dsp:sp/dsp:txBody")


def extract_pptx(path: Path) -> list[SlideText]:
    """One SlideText per visible slide, in presentation order."""
    return [_slide_text(slide) for slide in _open(path).slides if not is_hidden(slide)]


def hidden_slide_count(path: Path) -> int:
    return sum(is_hidden(slide) for slide in _open(path).slides)


def is_hidden(slide: Slide) -> bool:
    return slide.element.get("show") in {"0", "false"}


def _open(path: Path) -> Presentation:
    try:
        return pptx.Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise InvalidInput(
            f"{path.name} could not be read as a PowerPoint deck; open it in PowerPoint or LibreOffice, "
            "save it as .pptx and upload it again."
        ) from exc


def _slide_text(slide: Slide) -> SlideText:
    shapes = [shape for shape in slide.shapes if _shown(shape)]
    title = next((shape for shape in shapes if _placeholder_type(shape) in _TITLES), None)
    body = _reading_order(shape for shape in shapes if shape is not title)
    blocks = ("\n".join(_shape_lines(shape, slide.part)) for shape in body)
    return SlideText(
        title=_one_line(title.text_frame.text) if isinstance(title, Shape) else "",
        text=_clean("\n".join(block for block in blocks if block.strip())),
        notes=_notes(slide),
    )


def _shown(shape: BaseShape) -> bool:
    """Hidden shapes never render, and footers, dates and slide numbers repeat on every slide."""
    return _HIDDEN(shape.element) not in (["1"], ["true"]) and _placeholder_type(shape) not in _CHROME


def _placeholder_type(shape: BaseShape) -> PP_PLACEHOLDER | None:
    return shape.placeholder_format.type if shape.is_placeholder else None


def _reading_order(shapes: Iterable[BaseShape]) -> list[BaseShape]:
    """Top to bottom, then left to right within each row of shapes whose tops nearly line up."""
    placed = sorted(((shape.top or 0, shape.left or 0, shape) for shape in shapes), key=lambda p: p[0])
    rows: list[list[tuple[int, int, BaseShape]]] = []
    for item in placed:
        if rows and item[0] - rows[-1][0][0] <= _ROW_TOLERANCE:
            rows[-1].append(item)
        else:
            rows.append([item])
    return [shape for row in rows for _, _, shape in sorted(row, key=lambda p: p[1])]


def _shape_lines(shape: BaseShape, part: Part) -> list[str]:
    # python-pptx's plain shape walk stops at groups, so recurse into them here.
    if isinstance(shape, GroupShape):
        children = _reading_order(child for child in shape.shapes if _shown(child))
        return [line for child in children for line in _shape_lines(child, part)]
    if isinstance(shape, Shape):
        return [paragraph.text for paragraph in shape.text_frame.paragraphs]
    if isinstance(shape, GraphicFrame):
        return _frame_lines(shape, part)
    return []


def _frame_lines(frame: GraphicFrame, part: Part) -> list[str]:
    if frame.has_table:
        return _table_lines(frame.table)
    # Charts are read from their XML, not shape.chart: python-pptx raises on types it lacks (bar3DChart).
    if chart_rid := _CHART_RID(frame.element):
        chart = _related_xml(part, chart_rid[0])
        return _chart_lines(chart) if chart is not None else []
    if diagram_rid := _DIAGRAM_RID(frame.element):
        return _diagram_lines(part, diagram_rid[0])
    return []


def _table_lines(table: Table) -> list[str]:
    # A spanned cell is the hidden remainder of a merge; its text, if any, never shows.
    rows = ([_one_line(cell.text) for cell in row.cells if not cell.is_spanned] for row in table.rows)
    return [" | ".join(cells) for cells in rows if any(cells)]


def _chart_lines(space: etree._Element) -> list[str]:
    series = _SERIES(space)
    lines = [_chart_title(space, series), *map(_flat_text, _AXIS_TITLES(space))]
    for ser in series:
        lines += [_series_line(ser), *map(_flat_text, _DATA_LABELS(ser))]
    return [line for line in lines if line]


def _chart_title(space: etree._Element, series: list[etree._Element]) -> str:
    if title := _CHART_TITLE(space):
        return _flat_text(title[0])
    # Without a title of its own, a one-series chart shows the series name unless the author deleted it.
    if len(series) == 1 and _AUTO_TITLE_DELETED(space) not in (["1"], ["true"]):
        return _series_name(series[0])
    return ""


def _series_name(ser: etree._Element) -> str:
    return " ".join(_flat_text(name) for name in _SERIES_NAME(ser))


def _series_line(ser: etree._Element) -> str:
    categories, values = _points(_CATEGORIES(ser)), _points(_VALUES(ser), numbers=True)
    pairs = (f"{categories.get(i, '')} {values.get(i, '')}".strip() for i in sorted(categories | values))
    data = "; ".join(pair for pair in pairs if pair)
    name = _series_name(ser)
    return f"{name}: {data}" if name and data else name or data


def _points(points: list[etree._Element], *, numbers: bool = False) -> dict[int, str]:
    # Caches may skip indexes, so pair categories with values by idx; the first level of a
    # multi-level category axis comes first in the XML and is the one kept.
    texts: dict[int, str] = {}
    for position, point in enumerate(points):
        text = _flat_text(point)
        if numbers:  # cached doubles ("0.60000000000000009") shown as the chart shows them ("60%")
            text = shown_number(text, point.get("formatCode") or _cache_format(point))
        texts.setdefault(_int(point.get("idx"), position), text)
    return texts


def _cache_format(point: etree._Element) -> str | None:
    cache = point.getparent()
    found = _FORMAT_CODE(cache) if cache is not None else []
    return found[0].text if found else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _diagram_lines(part: Part, data_rid: str) -> list[str]:
    data = _related_xml(part, data_rid)
    if data is not None:
        texts = [point for point in _outline(data) if point.get("type") in _CONTENT_POINT_TYPES]
    else:
        drawing = _lone_drawing(part)
        texts = _DRAWING_TEXT(drawing) if drawing is not None else []
    return [text for text in map(_flat_text, texts) if text]


def _outline(data: etree._Element) -> list[etree._Element]:
    """Diagram points parent first, siblings in their order; the XML lists them in editing order."""
    points = {point.get("modelId"): point for point in _DIAGRAM_POINTS(data)}
    children: defaultdict[str | None, list[tuple[int, str | None]]] = defaultdict(list)
    for link in _DIAGRAM_PARENT_LINKS(data):
        children[link.get("srcId")].append((_int(link.get("srcOrd"), 0), link.get("destId")))
    seen: dict[str | None, None] = {}  # an ordered set; it also stops cycles in a hostile file
    stack = [key for key, point in reversed(points.items()) if point.get("type") == "doc"]
    while stack:
        key = stack.pop()
        if key not in seen:
            seen[key] = None
            stack += [child for _, child in sorted(children[key], key=lambda c: c[0], reverse=True)]
    # Points no link reaches still hold text the viewer may see, so they follow in document order.
    order = [*seen, *(key for key in points if key not in seen)]
    return [points[key] for key in order if key in points]


def _lone_drawing(part: Part) -> etree._Element | None:
    # Only the data part says which drawing belongs to which diagram, so without it only a lone
    # drawing on the slide can be trusted to be this diagram's.
    drawings = [
        rel.target_part
        for rel in part.rels.values()
        if rel.reltype == _DRAWING_RELTYPE and not rel.is_external
    ]
    return _parse(drawings[0].blob) if len(drawings) == 1 else None


def _related_xml(part: Part, rid: str) -> etree._Element | None:
    try:
        related = part.related_part(rid)
    except (KeyError, ValueError):  # a dangling or external relationship: nothing to read
        return None
    return _parse(related.blob)


def _parse(blob: bytes) -> etree._Element | None:
    """Parse an untrusted part: no entities, no network, no huge trees; unreadable parts count as empty."""
    # lxml parsers are not safe to share between threads, and building one is cheap.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(blob, parser)
    except etree.XMLSyntaxError:
        return None
    # OPC forbids DTDs in package parts, so one here can only be an entity attack.
    return None if root.getroottree().docinfo.internalDTD is not None else root


def _flat_text(element: etree._Element) -> str:
    """All text under element on one line."""
    nodes = element.iter(*_TEXT_TAGS, *_BREAK_TAGS)
    return " ".join("".join(" " if node.tag in _BREAK_TAGS else node.text or "" for node in nodes).split())


def _notes(slide: Slide) -> str:
    # Reading slide.notes_slide would create an empty notes slide, so ask first.
    if not slide.has_notes_slide:
        return ""
    frame = slide.notes_slide.notes_text_frame
    return _clean("\n".join(paragraph.text for paragraph in frame.paragraphs)) if frame is not None else ""


def _one_line(text: str) -> str:
    return " ".join(_without_controls(text).split())


def _clean(text: str) -> str:
    lines = "\n".join(line.rstrip() for line in _without_controls(text).split("\n"))
    return _BLANK_RUNS.sub("\n\n", lines).strip("\n")


def _without_controls(text: str) -> str:
    """Line breaks (python-pptx gives a:br as a vertical tab) become newlines; other controls go."""
    return clean_text(_ESCAPED_CONTROL.sub(lambda match: chr(int(match[1], 16)), text))
