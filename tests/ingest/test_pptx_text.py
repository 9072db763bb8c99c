"""extract_pptx on the real PPTX decks, checked against their package XML read independently here,
and on small decks built with python-pptx for the cases the real decks lack."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from deckchat.core.deck import SlideText
from deckchat.core.errors import InvalidInput
from deckchat.ingest.pptx_text import extract_pptx, hidden_slide_count

# name: (slides, slides with speaker notes), as SOURCES.md states them. No deck has hidden slides,
# and no notes page holds only whitespace, so the counts read from the XML agree with SOURCES.md.
# The ecodesign notes pages also carry a page-number text box outside the body placeholder: not notes.
DECKS = {
    "aes-2011-evaluation-communication-tables.pptx": (28, 11),
    "ecodesign-tuwien-electronics-sustainability-de.pptx": (34, 12),
    "ms-python-pandas-series-dataframe.pptx": (10, 0),
    "ms-workshop-clean-prepare-data-python.pptx": (44, 32),
    "ms-workshop-intro-regression-r-tidymodels-es.pptx": (23, 13),
    "owasp-top10-2013-presentation.pptx": (45, 5),
}
OWASP = "owasp-top10-2013-presentation.pptx"
SPANISH = "ms-workshop-intro-regression-r-tidymodels-es.pptx"
AES = "aes-2011-evaluation-communication-tables.pptx"

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CHROME = {"sldNum", "dt", "ftr"}


def q(name: str) -> str:
    prefix, tag = name.split(":")
    return f"{{{NS[prefix]}}}{tag}"


class Package:
    """The deck's zip read directly, without python-pptx, to check the extractor against."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(path.read_bytes()))  # in memory: no file left open

    def xml(self, name: str) -> Element:
        root: Element = ElementTree.fromstring(self.zip.read(name))
        return root

    def rels(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) for the part called name."""
        folder, base = posixpath.split(name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.zip.namelist():
            return {}
        return {
            rel.get("Id", ""): (
                rel.get("Type", ""),
                posixpath.normpath(posixpath.join(folder, rel.get("Target", ""))),
            )
            for rel in self.xml(rels_name).iter(q("rel:Relationship"))
            if rel.get("TargetMode") != "External"
        }

    def related(self, name: str, kind: str) -> list[str]:
        return [target for reltype, target in self.rels(name).values() if reltype == REL + kind]

    def slides(self) -> list[str]:
        """Every slide in presentation order (sldIdLst), hidden or not."""
        targets = self.rels("ppt/presentation.xml")
        ids = self.xml("ppt/presentation.xml").iterfind("p:sldIdLst/p:sldId", NS)
        return [targets[sld_id.get(q("r:id"), "")][1] for sld_id in ids]

    def visible_slides(self) -> list[str]:
        return [name for name in self.slides() if self.xml(name).get("show") not in {"0", "false"}]

    def notes(self, slide: str) -> str:
        """The text of the notes page's body placeholder, one paragraph per line."""
        for notes in self.related(slide, "notesSlide"):
            for shape in self.xml(notes).iter(q("p:sp")):
                placeholder = shape.find("p:nvSpPr/p:nvPr/p:ph", NS)
                if placeholder is not None and placeholder.get("type") == "body":
                    return "\n".join(paragraph_text(p) for p in shape.iter(q("a:p")))
        return ""

    def slide_paragraphs(self, slide: str) -> list[str]:
        """Text of every paragraph on the slide itself, leaving out footer, date and number placeholders."""
        root = self.xml(slide)
        chrome = {
            id(p) for sp in root.iter(q("p:sp")) if placeholder_type(sp) in CHROME for p in sp.iter(q("a:p"))
        }
        return [one_line(paragraph_text(p)) for p in root.iter(q("a:p")) if id(p) not in chrome]

    def has_visible_text(self, slide: str) -> bool:
        parts = [*self.related(slide, "diagramData"), *self.related(slide, "chart")]
        tags = {q("a:t"), q("c:v")}
        texts = [node.text or "" for part in parts for node in self.xml(part).iter() if node.tag in tags]
        return any(text.strip() for text in [*self.slide_paragraphs(slide), *texts])


def placeholder_type(shape: Element) -> str | None:
    placeholder = shape.find("p:nvSpPr/p:nvPr/p:ph", NS)
    return None if placeholder is None else placeholder.get("type", "obj")


def paragraph_text(paragraph: Element) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == q("a:t"):
            parts.append(node.text or "")
        elif node.tag == q("a:br"):
            parts.append("\n")
    return "".join(parts)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def extracted(decks_dir: Path) -> dict[str, list[SlideText]]:
    return {name: extract_pptx(decks_dir / name) for name in DECKS}


@pytest.mark.parametrize(("name", "counts"), DECKS.items())
def test_one_slide_per_visible_slide(
    name: str, counts: tuple[int, int], decks_dir: Path, extracted: dict[str, list[SlideText]]
) -> None:
    deck = Package(decks_dir / name)
    visible, every = deck.visible_slides(), deck.slides()
    assert len(extracted[name]) == len(visible) == counts[0]
    assert hidden_slide_count(decks_dir / name) == len(every) - len(visible) == 0


@pytest.mark.parametrize(("name", "counts"), DECKS.items())
def test_notes_on_exactly_the_slides_that_have_them(
    name: str, counts: tuple[int, int], decks_dir: Path, extracted: dict[str, list[SlideText]]
) -> None:
    deck = Package(decks_dir / name)
    expected = [one_line(deck.notes(slide)) for slide in deck.visible_slides()]
    assert [one_line(slide.notes) for slide in extracted[name]] == expected
    assert sum(map(bool, expected)) == counts[1]


@pytest.mark.parametrize("name", DECKS)
def test_slides_with_visible_text_have_title_or_text(
    name: str, decks_dir: Path, extracted: dict[str, list[SlideText]]
) -> None:
    deck = Package(decks_dir / name)
    expected = [deck.has_visible_text(slide) for slide in deck.visible_slides()]
    assert [bool(slide.title or slide.text) for slide in extracted[name]] == expected


@pytest.mark.parametrize("name", DECKS)
def test_no_paragraph_on_a_slide_is_lost(
    name: str, decks_dir: Path, extracted: dict[str, list[SlideText]]
) -> None:
    deck = Package(decks_dir / name)
    for number, (slide, text) in enumerate(zip(deck.visible_slides(), extracted[name], strict=True), 1):
        found = one_line(f"{text.title} {text.text}")
        missing = [p for p in deck.slide_paragraphs(slide) if p not in found]
        assert not missing, f"slide {number}"


def test_slide_numbers_are_left_out(decks_dir: Path, extracted: dict[str, list[SlideText]]) -> None:
    # AES slide 2 has a slide-number placeholder whose field reads "2".
    deck = Package(decks_dir / AES)
    assert "<a:t>2</a:t></a:fld>" in deck.zip.read(deck.visible_slides()[1]).decode()
    assert "2" not in extracted[AES][1].text.splitlines()


def test_table_rows_join_cells_with_bars(extracted: dict[str, list[SlideText]]) -> None:
    lines = extracted[AES][9].text.splitlines()
    assert "Purpose | Summary evaluation" in lines
    # "Housing" and "New model of service delivery" are two paragraphs of one cell.
    assert "Context | Housing New model of service delivery" in lines


def test_smartart_text_comes_from_the_diagram_data(
    decks_dir: Path, extracted: dict[str, list[SlideText]]
) -> None:
    deck = Package(decks_dir / OWASP)
    slide = deck.visible_slides()[1]
    phrase = "OWASP Top 10 is an Awareness Document"
    assert phrase not in deck.zip.read(slide).decode()
    assert any(phrase in deck.zip.read(data).decode() for data in deck.related(slide, "diagramData"))
    assert phrase in extracted[OWASP][1].text.splitlines()


def test_smartart_reads_in_outline_order_not_editing_order(extracted: dict[str, list[SlideText]]) -> None:
    # Slide 3's data part lists A10 second and A5 third; the outline puts them in rank order.
    lines = [line for line in extracted[OWASP][2].text.splitlines() if re.match(r"A\d+:", line)]
    assert [line.split(":")[0] for line in lines] == [f"A{n}" for n in range(1, 11)]


def test_smartart_in_the_spanish_deck(extracted: dict[str, list[SlideText]]) -> None:
    text = extracted[SPANISH][12].text
    assert "Finalmente, presione F1 y ejecute Remote-Containers: Reopen Folder in Container" in text
    assert "Instale y configure Docker para su Sistema operativo" in text


def test_charts_give_series_with_categories_and_values(extracted: dict[str, list[SlideText]]) -> None:
    lines = extracted[OWASP][35].text.splitlines()
    bar = next(line for line in lines if "GWT" in line)
    assert bar.startswith("Total: GWT 17666703; Apache Xerces 2820825; Spring MVC 2733396;")
    assert bar.endswith("AntiSamy 300")
    assert "Total: Contains Known Vulnerabilities 29790918; No Known Vulnerabilities 84148440" in lines
    assert "Vulnerable Download 26%" in lines  # a data label with its own text
    assert "Downloads | 113,939,358" in lines  # the table beside the charts


def test_a_chart_python_pptx_cannot_read_still_gives_its_text(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = ["North", "South"]
    data.add_series("Sales", (12, 7))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(6), Inches(4), data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = "Revenue by region"
    path = tmp_path / "deck.pptx"
    prs.save(str(path))
    # python-pptx can't write a 3-D bar chart, so turn the plain one into one in the package.
    rewrite(path, "ppt/charts/chart1.xml", lambda xml: xml.replace(b"c:barChart>", b"c:bar3DChart>"))

    with pytest.raises(ValueError, match="bar3DChart"):
        _ = Presentation(str(path)).slides[0].shapes[0].chart.chart_type
    assert extract_pptx(path)[0].text.splitlines() == ["Revenue by region", "Sales: North 12; South 7"]


def test_chart_values_read_as_the_chart_shows_them(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData(number_format="0%")
    data.categories = ["North", "South"]
    data.add_series("Share", (0.1 + 0.2 + 0.3, 0.25))  # 0.6000000000000001 in the cache
    data.add_series("Units", (1234.5, 7), number_format="#,##0.0")
    slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(6), Inches(4), data)
    path = tmp_path / "deck.pptx"
    prs.save(str(path))

    lines = extract_pptx(path)[0].text.splitlines()
    assert "Share: North 60%; South 25%" in lines
    assert "Units: North 1,234.5; South 7.0" in lines


def test_smartart_without_its_data_part_falls_back_to_the_drawing(decks_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / SPANISH
    path.write_bytes((decks_dir / SPANISH).read_bytes())
    rewrite(path, "ppt/diagrams/data1.xml", None)

    text = extract_pptx(path)[12].text
    assert "Remote-Containers: Reopen Folder in Container" in text
    assert "Instale y configure Docker para su Sistema operativo" in text


def test_hostile_diagram_data_is_not_expanded(decks_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / SPANISH
    path.write_bytes((decks_dir / SPANISH).read_bytes())
    doctype = b'<!DOCTYPE x [<!ENTITY boom "EXPANDED"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def poison(xml: bytes) -> bytes:
        poisoned = xml.replace(b"?>", b"?>" + doctype, 1).replace(
            b"<a:t>Docker</a:t>", b"<a:t>&boom;&xxe;Docker</a:t>", 1
        )
        assert poisoned.count(b"&boom;") == poisoned.count(b"<!DOCTYPE") == 1
        return poisoned

    rewrite(path, "ppt/diagrams/data1.xml", poison)
    text = extract_pptx(path)[12].text
    assert "EXPANDED" not in text
    assert "root:" not in text
    # The poisoned data part is ignored and the drawing part still gives the diagram's text.
    assert "Remote-Containers: Reopen Folder in Container" in text


def test_built_deck_groups_tables_hidden_slides_and_notes(tmp_path: Path) -> None:
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    first.shapes.title.text = "Quarterly   review"
    group = first.shapes.add_group_shape()
    # On one visual row, a little lower but further left, so it reads first.
    group.shapes.add_textbox(Inches(5), Inches(2), Inches(3), Inches(1)).text_frame.text = "Right of row"
    group.shapes.add_textbox(Inches(1), Inches(2.1), Inches(3), Inches(1)).text_frame.text = "Left of row"
    table = first.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(6), Inches(1)).table
    for cell, text in zip(table.iter_cells(), ["Region", "Sales", "North", "12\nunits"], strict=True):
        cell.text_frame.text = text
    ghost = first.shapes.add_textbox(Inches(1), Inches(6), Inches(3), Inches(1))
    ghost.text_frame.text = "Hidden shape"
    ghost.element.xpath("./p:nvSpPr/p:cNvPr")[0].set("hidden", "1")
    first.notes_slide.notes_text_frame.text = "Say hello first.  \n\n\n\nThen the numbers."
    hidden = prs.slides.add_slide(prs.slide_layouts[6])
    hidden.shapes.add_textbox(0, 0, Inches(3), Inches(1)).text_frame.text = "Secret draft"
    hidden.notes_slide.notes_text_frame.text = "Secret notes"
    hidden.element.set("show", "0")
    last = prs.slides.add_slide(prs.slide_layouts[6])
    last.shapes.add_textbox(0, 0, Inches(3), Inches(1)).text_frame.text = "Closing\vwords\x07"
    path = tmp_path / "built.pptx"
    prs.save(str(path))

    assert hidden_slide_count(path) == 1
    assert extract_pptx(path) == [
        SlideText(
            title="Quarterly review",
            text="Left of row\nRight of row\nRegion | Sales\nNorth | 12 units",
            notes="Say hello first.\n\nThen the numbers.",
        ),
        SlideText(title="", text="Closing\nwords", notes=""),
    ]


def test_a_file_that_is_not_a_pptx_is_invalid_input(decks_dir: Path) -> None:
    with pytest.raises(InvalidInput):
        extract_pptx(decks_dir / "bsides-2016-sms-otp-not-secure-beamer.pdf")


def rewrite(path: Path, member: str, change: Callable[[bytes], bytes] | None) -> None:
    """Rewrite one member of the zip at path in place; change None drops it."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name != member:
                target.writestr(name, data)
            elif change is not None:
                target.writestr(name, change(data))
