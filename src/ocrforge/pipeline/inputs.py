"""The images a command reads: image files as they are, PDFs page by page (with the text a page
already carries), so `read` and `scan` treat a 40-page PDF as 40 inputs with one progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ocrforge.io.images import ImageError, load_image
from ocrforge.io.pdf import PdfPage, is_pdf, page_count, read_pdf
from ocrforge.pipeline.layout import arrange
from ocrforge.results import Page


@dataclass
class InputImage:
    label: str  # the path, or PATH#page=N for a page of a PDF (the PDF open-parameter convention)
    path: Path
    image: np.ndarray  # (H, W, 3) uint8 RGB
    pdf_page: PdfPage | None = None  # for a PDF page: its own text and where its pixels lie on the page

    @property
    def has_text(self) -> bool:
        """A PDF page that carries its own text (born digital, or OCRed before)."""
        return self.pdf_page is not None and bool(self.pdf_page.words)

    def own_text(self) -> Page:
        """The PDF page's own text, laid out in blocks and lines as read text is."""
        return pdf_page_text(self.pdf_page, self.label)


def pdf_page_text(page: PdfPage, label: str | None = None) -> Page:
    """The text a PDF page carries, laid out in blocks and lines as read text is."""
    return Page(label, page.image.shape[1], page.image.shape[0], arrange(page.words))


def count_images(paths: list[Path]) -> int:
    """How many images `iter_images` will give at most: a PDF counts its pages."""
    return sum((page_count(path) or 1) if is_pdf(path) else 1 for path in paths)


def iter_images(paths: list[Path], on_error: Callable[[ImageError], None]) -> Iterator[InputImage]:
    """Every image of every path in order; a file that cannot be read (or a PDF page that cannot be
    rendered) goes to `on_error` and the rest carry on."""
    for path in paths:
        try:
            if is_pdf(path):
                for page in read_pdf(path):
                    yield InputImage(f"{path}#page={page.number}", path, page.image, page)
            else:
                yield InputImage(str(path), path, load_image(path))
        except ImageError as err:
            on_error(err)
