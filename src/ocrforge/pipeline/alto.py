"""Pages as ALTO v4 XML, the layout format of libraries and archives: blocks, lines and words with
their positions in pixels and the recognizer's confidence in each word. Each line also carries its
(possibly rotated) outline as a polygon and an estimated baseline, as transcription platforms such as
eScriptorium import lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from ocrforge.pipeline.formats import XML_ILLEGAL
from ocrforge.results import Page
from ocrforge.version import __version__

NAMESPACE = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
# A line's box holds its descenders: the baseline is estimated this far down from its top edge.
BASELINE_DEPTH = 0.8


def to_alto(pages: list[Page]) -> str:
    """One ALTO v4 document holding every page, in order."""
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.Element(_tag("alto"), {"{http://www.w3.org/2001/XMLSchema-instance}schemaLocation": f"{NAMESPACE} {SCHEMA}"})
    description = ET.SubElement(root, _tag("Description"))
    ET.SubElement(description, _tag("MeasurementUnit")).text = "pixel"
    source = ET.SubElement(description, _tag("sourceImageInformation"))
    ET.SubElement(source, _tag("fileName")).text = _clean(next((p.path for p in pages if p.path), "") or "")
    step = ET.SubElement(ET.SubElement(description, _tag("OCRProcessing"), ID="OCR_0"), _tag("ocrProcessingStep"))
    software = ET.SubElement(step, _tag("processingSoftware"))
    ET.SubElement(software, _tag("softwareName")).text = "ocrforge"
    ET.SubElement(software, _tag("softwareVersion")).text = __version__
    layout = ET.SubElement(root, _tag("Layout"))
    for number, page in enumerate(pages, start=1):
        _add_page(layout, page, number)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _add_page(layout: ET.Element, page: Page, number: int) -> None:
    element = ET.SubElement(layout, _tag("Page"), ID=f"page_{number}", PHYSICAL_IMG_NR=str(number),
                            WIDTH=str(page.width), HEIGHT=str(page.height))
    space = ET.SubElement(element, _tag("PrintSpace"), _position(np.array([[0, 0], [page.width, page.height]]), page))
    line_no = word_no = 0
    for b, block in enumerate(page.blocks, start=1):
        block_el = ET.SubElement(space, _tag("TextBlock"), ID=f"block_{number}_{b}", **_position(block.box, page))
        for line in block.lines:
            line_no += 1
            line_el = ET.SubElement(block_el, _tag("TextLine"), ID=f"line_{number}_{line_no}", **_position(line.box, page),
                                    BASELINE=_points(_baseline(line.box), line.box, page))
            ET.SubElement(ET.SubElement(line_el, _tag("Shape")), _tag("Polygon"), POINTS=_points(line.box, line.box, page))
            gap_start = None  # where the previous word ends: the space between is an SP element
            for word in line.words:
                word_no += 1
                here = _position(word.box, page)
                if gap_start is not None:
                    ET.SubElement(line_el, _tag("SP"), HPOS=str(gap_start), VPOS=here["VPOS"],
                                  WIDTH=str(max(0, int(here["HPOS"]) - gap_start)))
                ET.SubElement(line_el, _tag("String"), ID=f"word_{number}_{word_no}", CONTENT=_clean(word.text),
                              WC=f"{min(1.0, max(0.0, word.confidence)):.3f}", **here)
                gap_start = int(here["HPOS"]) + int(here["WIDTH"])


def _position(box: np.ndarray, page: Page) -> dict[str, str]:
    """HPOS, VPOS, WIDTH, HEIGHT of the integer rectangle around a possibly rotated box, kept on the page."""
    points = np.asarray(box, dtype=np.float64).reshape(-1, 2)
    x0, y0 = np.clip(np.floor(points.min(axis=0)), 0, [page.width, page.height]).astype(int)
    x1, y1 = np.clip(np.ceil(points.max(axis=0)), 0, [page.width, page.height]).astype(int)
    return {"HPOS": str(x0), "VPOS": str(y0), "WIDTH": str(x1 - x0), "HEIGHT": str(y1 - y0)}


def _baseline(box: np.ndarray) -> np.ndarray:
    """Two points, left then right, BASELINE_DEPTH of the way down a box in reading order (top edge 0-1)."""
    box = np.asarray(box, dtype=np.float64).reshape(4, 2)
    return np.stack([box[0] + BASELINE_DEPTH * (box[3] - box[0]), box[1] + BASELINE_DEPTH * (box[2] - box[1])])


def _points(points: np.ndarray, box: np.ndarray, page: Page) -> str:
    """ALTO's point list, "x1,y1 x2,y2 ...", as the pixels (inclusive) at the corners of `box` that the points
    lie on: a box from x 10 to 120 ends in pixel 119, as HPOS + WIDTH - 1 does; kept on the page."""
    centres = np.asarray(points, dtype=np.float64).reshape(-1, 2) - 0.5  # pixel i spans i..i+1, its centre i + 0.5
    middle = np.asarray(box, dtype=np.float64).reshape(-1, 2).mean(axis=0) - 0.5
    pixels = np.where(centres < middle, np.ceil(centres), np.floor(centres))  # the pixel just inside, towards the box's middle
    pixels = np.clip(pixels, 0, [page.width - 1, page.height - 1]).astype(int)
    return " ".join(f"{x},{y}" for x, y in pixels)


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _clean(text: str) -> str:
    return XML_ILLEGAL.sub("", text)
