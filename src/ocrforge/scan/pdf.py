"""Searchable PDFs: each scanned page as an image with its words as invisible text on top, each
word stretched over the place it was read from, so selecting text highlights the print."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import numpy as np
from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image

from ocrforge.io.atomic import replaced_atomically
from ocrforge.results import Line, Page

PAGE_LONG_SIDE = 842.0  # points: every page is as long as A4 is tall, whatever the photo's resolution
FONT = "Helvetica"  # a core font: nothing to embed, and the text layer is never drawn
# Helvetica's ascender and descender (of 1 em): a line's box spans ascent + descent.
ASCENT, DESCENT = 0.718, 0.207
JPEG_QUALITY = 85


def write_pdf(pages: list[tuple[np.ndarray, Page]], out: Path) -> None:
    """`pdf_bytes` written to `out`, whole or not at all."""
    data = pdf_bytes(pages)
    with replaced_atomically(out) as partial:
        partial.write_bytes(data)


def pdf_bytes(pages: list[tuple[np.ndarray, Page]]) -> bytes:
    """One PDF page per (scanned image, words read from it); word boxes are in the image's pixels."""
    pdf = FPDF(unit="pt")
    pdf.set_creator("ocrforge scan")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    for image, page in pages:
        h, w = image.shape[:2]
        scale = PAGE_LONG_SIDE / max(w, h)  # points per pixel
        pdf.add_page(format=(w * scale, h * scale))
        pdf.image(_picture(image), x=0, y=0, w=w * scale, h=h * scale)
        pdf.text_mode = TextMode.INVISIBLE
        for line in page.lines:  # in reading order, so text extraction follows it
            place_line(pdf, line, scale)
    return bytes(pdf.output())


def _picture(image: np.ndarray) -> Image.Image | BytesIO:
    """Colour pages as JPEG bytes (fpdf2 embeds those as they are); black-and-white (2-D) ones as an
    image fpdf2 compresses losslessly: they shrink well that way and JPEG would blur their edges."""
    if image.ndim == 2:
        return Image.fromarray(image)
    data = BytesIO()
    Image.fromarray(image).save(data, format="JPEG", quality=JPEG_QUALITY)
    return data


def place_line(pdf: FPDF, line: Line, scale: float) -> None:
    """The line's words on one baseline, in one size that spans the line's height, each stretched
    to its own box's width. A space after each word but the last tells text extraction where
    words end; a word whose box runs into the next one's is cut short, so its space comes first."""
    box = line.box * scale
    top, bottom = box[:, 1].min(), box[:, 1].max()
    size = max((bottom - top) / (ASCENT + DESCENT), 1.0)
    pdf.set_font(FONT, size=size)
    lefts = [w.box[:, 0].min() * scale for w in line.words]
    for i, word in enumerate(line.words):
        # Core fonts hold Latin-1 only; other characters keep their place in the text as '?'.
        text = word.text.encode("latin-1", "replace").decode("latin-1")
        last = i == len(line.words) - 1
        right = word.box[:, 0].max() * scale
        if not last and lefts[i] < lefts[i + 1] - 0.1 * size:
            right = min(right, lefts[i + 1] - 0.1 * size)
        pdf.set_stretching(100.0)
        natural = pdf.get_string_width(text)
        if natural <= 0:
            continue
        pdf.set_stretching(100.0 * (right - lefts[i]) / natural)
        pdf.text(float(lefts[i]), float(bottom - DESCENT * size), text if last else text + " ")
