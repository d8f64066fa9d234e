"""ALTO v4 output read back with an XML parser: pages, blocks, lines and words in order, with their
positions, confidences and text intact."""

import xml.etree.ElementTree as ET

import numpy as np

from ocrforge.pipeline.alto import NAMESPACE, to_alto
from ocrforge.results import Block, Line, Page, Word

A = f"{{{NAMESPACE}}}"


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def receipt() -> Page:
    total = Line([Word("Total", 0.98, rect(10, 10, 60, 30)), Word("12.50", 0.7, rect(70.4, 10, 120, 30))], rect(10, 10, 120, 30))
    odd = Line([Word("Tom & <Jerry>\x0c", 0.4, rect(10, 40, 100, 60))], rect(10, 40, 100, 60))
    edge = Line([Word("edge", 1.2, rect(-5, 80, 40, 110))], rect(-5, 80, 40, 110))  # partly off the page
    return Page("scans/receipt.jpg", 200, 100, [Block([total, odd], rect(10, 10, 120, 60)), Block([edge], rect(-5, 80, 40, 110))])


def _box(element: ET.Element) -> tuple[int, int, int, int]:
    return tuple(int(element.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))


def test_alto_holds_the_page_structure_with_positions_and_confidences():
    root = ET.fromstring(to_alto([receipt(), Page("blank.png", 10, 10)]).encode())
    assert root.tag == f"{A}alto"
    assert root.find(f"{A}Description/{A}MeasurementUnit").text == "pixel"
    assert root.find(f"{A}Description/{A}sourceImageInformation/{A}fileName").text == "scans/receipt.jpg"
    pages = root.findall(f"{A}Layout/{A}Page")
    assert [(p.get("WIDTH"), p.get("HEIGHT"), p.get("PHYSICAL_IMG_NR")) for p in pages] == [("200", "100", "1"), ("10", "10", "2")]
    blocks = pages[0].findall(f"{A}PrintSpace/{A}TextBlock")
    assert [len(b.findall(f"{A}TextLine")) for b in blocks] == [2, 1]
    first = blocks[0].find(f"{A}TextLine")
    assert [child.tag.removeprefix(A) for child in first] == ["Shape", "String", "SP", "String"]
    assert first.find(f"{A}Shape/{A}Polygon").get("POINTS") == "10,10 119,10 119,29 10,29"  # pixels, as HPOS + WIDTH - 1
    assert first.get("BASELINE") == "10,25 119,25"  # four fifths down: the box holds the descenders
    _, total, space, amount = list(first)
    assert (total.get("CONTENT"), total.get("WC"), _box(total)) == ("Total", "0.980", (10, 10, 50, 20))
    assert _box(amount) == (70, 10, 50, 20) and amount.get("WC") == "0.700"
    assert (space.get("HPOS"), space.get("WIDTH")) == ("60", "10")  # the gap between the two words
    strings = pages[0].iter(f"{A}String")
    assert [s.get("CONTENT") for s in strings] == ["Total", "12.50", "Tom & <Jerry>", "edge"]  # escaped, control char dropped
    edge = list(pages[0].iter(f"{A}String"))[-1]
    assert _box(edge) == (0, 80, 40, 20) and edge.get("WC") == "1.000"  # kept on the page, confidence within 0..1
    assert len({s.get("ID") for s in root.iter(f"{A}String")}) == 4  # IDs are unique in the document


def test_a_turned_line_keeps_its_outline_and_baseline_along_it():
    turned = np.array([[20, 40], [80, 10], [90, 30], [30, 60]], dtype=np.float32)  # reading order, rising to the right
    page = Page("hand.jpg", 100, 100, [Block([Line([Word("vive", 0.9, turned)], turned)], turned)])
    line = ET.fromstring(to_alto([page]).encode()).find(f".//{A}TextLine")
    assert line.find(f"{A}Shape/{A}Polygon").get("POINTS") == "20,39 79,10 89,30 30,59"  # each corner's pixel inside
    assert line.get("BASELINE") == "28,55 87,26"
