"""Text layers on the pages of an existing PDF: each page is copied as it is (its images, drawings and
fonts untouched) and the words read from its rendering go on top as invisible text, where the print
is, so the PDF becomes searchable without being re-rendered (what OCRmyPDF does)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import pypdf
from fpdf import FPDF
from fpdf.enums import TextMode

from ocrforge.io.atomic import replaced_atomically
from ocrforge.results import Page
from ocrforge.scan.pdf import pdf_bytes, place_line


@dataclass
class SourcePage:
    source: Path  # the input PDF
    number: int  # from 1
    page: Page | None  # the words read from its rendering (image pixels); None keeps the page as it was
    image_size: tuple[int, int]  # (width, height) of that rendering
    to_page: np.ndarray  # (2, 3) affine: rendering pixel -> the PDF page's user space


def write_searchable_pdf(items: list[SourcePage | tuple[np.ndarray, Page]], out: Path) -> None:
    """One PDF of every item in order: pages of input PDFs with their text layers, and photos (image,
    words) as image pages; written whole or not at all."""
    writer = pypdf.PdfWriter()
    readers: dict[Path, pypdf.PdfReader] = {}
    photos: list[tuple[np.ndarray, Page]] = []

    def add_photos() -> None:
        if photos:
            writer.append(pypdf.PdfReader(BytesIO(pdf_bytes(photos))))
            photos.clear()

    for item in items:
        if not isinstance(item, SourcePage):
            photos.append(item)
            continue
        add_photos()
        if item.source not in readers:
            readers[item.source] = pypdf.PdfReader(item.source)
        target = writer.add_page(readers[item.source].pages[item.number - 1])
        if item.page is not None and item.page.words:
            target.merge_transformed_page(_layer(item.page, item.image_size), _to_user_space(item.to_page, item.image_size[1]))
    add_photos()
    with replaced_atomically(out) as partial, partial.open("wb") as file:
        writer.write(file)


def _layer(page: Page, size: tuple[int, int]) -> pypdf.PageObject:
    """A page one point per rendering pixel holding only the invisible words."""
    pdf = FPDF(unit="pt", format=size)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    pdf.text_mode = TextMode.INVISIBLE
    for line in page.lines:  # in reading order, so text extraction follows it
        place_line(pdf, line, 1.0)
    return pypdf.PdfReader(BytesIO(bytes(pdf.output()))).pages[0]


def _to_user_space(to_page: np.ndarray, height: int) -> pypdf.Transformation:
    """The layer's coordinates (points from its bottom-left, y up) to the page's user space: the layer's
    (x, y) is rendering pixel (x, height - y), which `to_page` takes to the page."""
    (a, b, c), (d, e, f) = to_page
    return pypdf.Transformation((a, d, -b, -e, b * height + c, e * height + f))
