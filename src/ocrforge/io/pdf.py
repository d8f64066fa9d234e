"""PDF files as page images: each page rendered by PDFium, with the text it already carries (words and
their boxes in the rendered image's pixels), so a born-digital page need not be read again, and the
map from image pixels back to the page's own coordinates, so a text layer can be laid on the original."""

from __future__ import annotations

import ctypes
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocrforge.io.images import ImageError
from ocrforge.io.limits import max_pages, max_pixels
from ocrforge.results import Word

RENDER_DPI = 300  # what OCR engines expect of a scan; pages are rendered at this resolution
MAX_PAGE_PIXELS = 40_000_000  # a poster-sized page renders at a lower resolution instead of into gigabytes
MAX_SIDE_PT = 14_400  # the longest page side PDF allows (200 inches): longer ones are damage, not paper


@dataclass
class PdfPage:
    number: int  # from 1
    image: np.ndarray  # (H, W, 3) uint8 RGB, as the page is shown (its /Rotate applied)
    words: list[Word]  # the page's own text, boxes in image pixels; empty for a scanned page
    to_page: np.ndarray  # (2, 3) affine: image pixel (x, y, 1) -> PDF user space, in points


def is_pdf(path: str | os.PathLike) -> bool:
    """A .pdf name, or a file that starts as PDFs do."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as file:
            return file.read(5) == b"%PDF-"
    except OSError:
        return False


def read_pdf(path: str | os.PathLike, dpi: float = RENDER_DPI, only: int | None = None, text: bool = True) -> Iterator[PdfPage]:
    """Every page of a PDF, rendered (or page `only`, from 1: nothing if the PDF is shorter); raises
    ImageError naming the file (and page) for a missing, broken or encrypted PDF, and past `max_pages()`
    pages one saying how many were left unread. `text=False` leaves the pages' own text unread (their
    `words` empty), for a picture of the page."""
    name = str(path)
    if not Path(path).is_file():
        raise ImageError(f"{name}: no such file")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise ImageError(f"{name}: encrypted PDF (it needs a password; decrypt it first, e.g. qpdf --decrypt)") from None
        raise ImageError(f"{name}: not a readable PDF ({err})") from None
    try:
        if len(document) == 0:
            raise ImageError(f"{name}: the PDF has no pages")
        indices = range(min(len(document), max_pages())) if only is None else range(only - 1, min(only, len(document)))
        for index in indices:
            try:
                page = _render(document[index], index + 1, dpi, text)
            except ImageError as err:
                raise ImageError(f"{name}: {err}") from None
            except (pdfium.PdfiumError, MemoryError, OverflowError, ValueError) as err:
                raise ImageError(f"{name}: page {index + 1} cannot be rendered ({type(err).__name__}: {err})") from None
            yield page
        if only is None and len(document) > max_pages():
            raise ImageError(f"{name}: {len(document)} pages, more than {max_pages()} (OCRFORGE_MAX_PAGES): "
                             f"pages {max_pages() + 1}-{len(document)} not read")
    finally:
        document.close()


def page_count(path: str | os.PathLike) -> int:
    """How many pages a PDF has (0 if it cannot be opened: read_pdf then says why)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return 0
    try:
        return len(document)
    finally:
        document.close()


def _render(page: pdfium.PdfPage, number: int, dpi: float, text: bool = True) -> PdfPage:
    width_pt, height_pt = page.get_size()
    # A damaged page box can be NaN, negative or astronomically long and thin (fuzzing found all three).
    if not (math.isfinite(width_pt) and math.isfinite(height_pt) and 0 < width_pt < MAX_SIDE_PT and 0 < height_pt < MAX_SIDE_PT):
        raise ImageError(f"page {number} has no usable size ({width_pt:g} x {height_pt:g} pt)")
    scale = min(dpi / 72, math.sqrt(min(MAX_PAGE_PIXELS, max_pixels()) / (width_pt * height_pt)))
    if min(width_pt, height_pt) * scale < 1:
        raise ImageError(f"page {number} is too thin to render ({width_pt:g} x {height_pt:g} pt)")
    image = np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
    height, width = image.shape[:2]
    to_page = _device_to_page(page, width, height)
    return PdfPage(number, image, _text_words(page, to_page) if text else [], to_page)


def _device_to_page(page: pdfium.PdfPage, width: int, height: int) -> np.ndarray:
    """The affine map from rendered pixels to user space, from PDFium's own map at three corners (it
    knows the page's rotation and crop box)."""
    corners = [(0, 0), (width, 0), (0, height)]
    mapped = []
    for x, y in corners:
        px, py = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDF_DeviceToPage(page.raw, 0, 0, width, height, 0, x, y, ctypes.byref(px), ctypes.byref(py))
        mapped.append((px.value, py.value))
    source = np.array([[x, y, 1.0] for x, y in corners])
    return np.linalg.solve(source, np.array(mapped)).T  # (2, 3)


def _text_words(page: pdfium.PdfPage, to_page: np.ndarray) -> list[Word]:
    """The page's text as words (runs of characters between spaces, line ends and jumps), boxes in pixels."""
    textpage = page.get_textpage()
    try:
        to_image = np.linalg.inv(np.vstack([to_page, [0, 0, 1]]))[:2]
        along = to_image[:, 0] / np.linalg.norm(to_image[:, 0])  # the page's x axis in the image: the reading direction
        frame = np.array([along, [-along[1], along[0]]]).T  # image points @ frame -> (along, across)
        words, text, boxes = [], [], []

        def finish() -> None:
            if text:  # the word's box, square to its reading direction, clockwise from its top-left
                (a0, c0), (a1, c1) = (np.vstack(boxes) @ frame).min(axis=0), (np.vstack(boxes) @ frame).max(axis=0)
                box = np.array([[a0, c0], [a1, c0], [a1, c1], [a0, c1]]) @ frame.T
                words.append(Word("".join(text), 1.0, box.astype(np.float32)))
                text.clear()
                boxes.clear()

        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            if not char.isprintable() or char.isspace():
                finish()
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            corners = np.array([[left, bottom, 1], [right, bottom, 1], [right, top, 1], [left, top, 1]]) @ to_image.T
            if boxes and _jumps(np.vstack(boxes) @ frame, corners @ frame):
                finish()
            text.append(char)
            boxes.append(corners)
        finish()
        return words
    finally:
        textpage.close()


def _jumps(word: np.ndarray, char: np.ndarray) -> bool:
    """Whether a character lies too far from the word so far to belong to it (no space between them
    in the text, but a gap on the page: table cells, another line); points in (along, across) terms."""
    height = max(np.ptp(word[:, 1]), np.ptp(char[:, 1]), 1.0)
    gap = char[:, 0].min() - word[:, 0].max()
    shift = abs(char[:, 1].mean() - word[:, 1].mean())
    return gap > 0.5 * height or gap < -2 * height or shift > 0.6 * height
