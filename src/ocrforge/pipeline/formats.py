"""Pages as text, JSON Lines or hOCR: the output formats of `ocrforge read` (ALTO: pipeline.alto)."""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np

from ocrforge.results import Page
from ocrforge.version import __version__

# Lines tilted by less than this are written as horizontal: detector jitter is not rotation.
MIN_TEXTANGLE_DEG = 1

# Characters XML 1.0 forbids even when escaped; a stray one would make the whole document unparsable.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_HOCR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
  <meta name="ocr-system" content="ocrforge {version}"/>
  <meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_line ocrx_word"/>
 </head>
 <body>"""


def to_text(page: Page) -> str:
    return page.text + "\n"


def to_json(page: Page) -> str:
    """One JSON Lines record: the page, its lines and their words, each with text, confidence and box."""
    return json.dumps(page.to_dict(), ensure_ascii=False)


def to_hocr(pages: list[Page]) -> str:
    """One XHTML hOCR document holding every page, in order."""
    out = [_HOCR_HEAD.format(version=__version__)]
    for p, page in enumerate(pages, start=1):
        out.extend(_hocr_page(page, p))
    out += [" </body>", "</html>", ""]
    return "\n".join(out)


def _hocr_page(page: Page, p: int) -> list[str]:
    image = f'image "{page.path}"; ' if page.path is not None else ""
    # ppageno counts from 0 (the spec's "front cover is page number 0"), ids from 1 as Tesseract does.
    title = f"{image}bbox 0 0 {page.width} {page.height}; ppageno {p - 1}"
    out = [f'  <div class="ocr_page" id="page_{p}" title="{_escape(title)}">']
    word_no = line_no = 0
    for b, block in enumerate(page.blocks, start=1):
        out.append(f'   <div class="ocr_carea" id="block_{p}_{b}" title="{_bbox(block.box, page)}">')
        for line in block.lines:
            line_no += 1
            title = _bbox(line.box, page)
            angle = _textangle(line.box)
            if angle:
                title += f"; textangle {angle}"
            words = []
            for word in line.words:
                word_no += 1
                wconf = min(100, max(0, round(word.confidence * 100)))
                words.append(f'<span class="ocrx_word" id="word_{p}_{word_no}" '
                             f'title="{_bbox(word.box, page)}; x_wconf {wconf}">{_escape(word.text)}</span>')
            out.append(f'    <span class="ocr_line" id="line_{p}_{line_no}" title="{title}">{" ".join(words)}</span>')
        out.append("   </div>")
    out.append("  </div>")
    return out


def _bbox(box: np.ndarray, page: Page) -> str:
    """`bbox x0 y0 x1 y1`: the integer rectangle around a possibly rotated quad, kept on the page."""
    quad = np.asarray(box, dtype=np.float64).reshape(4, 2)
    x0, y0 = np.floor(quad.min(axis=0))
    x1, y1 = np.ceil(quad.max(axis=0))
    x0, x1 = (int(min(max(v, 0), page.width)) for v in (x0, x1))
    y0, y1 = (int(min(max(v, 0), page.height)) for v in (y0, y1))
    return f"bbox {x0} {y0} {x1} {y1}"


def _textangle(box: np.ndarray) -> int:
    """Counter-clockwise rotation in whole degrees, (-180, 180], read off the quad's top edge."""
    quad = np.asarray(box, dtype=np.float64).reshape(4, 2)
    dx, dy = quad[1] - quad[0]
    # image y grows downwards, so an edge rising to the right has dy < 0 and a positive hOCR angle
    angle = round(math.degrees(math.atan2(-dy, dx)))
    angle = 180 if angle == -180 else angle
    return angle if abs(angle) >= MIN_TEXTANGLE_DEG else 0


def _escape(text: str) -> str:
    return html.escape(XML_ILLEGAL.sub("", text))
