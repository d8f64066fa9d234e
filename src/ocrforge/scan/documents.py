"""A command's pages scanned and written out: a photo's page found, flattened and read, a PDF page read
(or its own text kept) and laid back on the original, then all of them as one searchable PDF, PNG pages
or text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ocrforge.detect.geometry import rectangle
from ocrforge.io.atomic import replaced_atomically
from ocrforge.pipeline.inputs import InputImage
from ocrforge.pipeline.ocr import OCR
from ocrforge.results import Page, box_list
from ocrforge.scan.pdf import write_pdf
from ocrforge.scan.pdf_layer import SourcePage, write_searchable_pdf
from ocrforge.scan.scanner import NoPageError, scan

OUT_SUFFIXES = (".pdf", ".png", ".txt")  # what `write_scans` can write


@dataclass
class Scanned:
    position: int  # among all pages of the inputs, from 0: numbers the PNGs
    label: str  # the photo's path, or PDF#page=N
    corners: np.ndarray  # the page in the input image (a PDF page: the whole image)
    image: np.ndarray  # the flat page
    page: Page  # its words, boxes in `image` pixels
    source: SourcePage | None = None  # a PDF page: copied, with the words laid on it


def scan_input(item: InputImage, position: int, ocr: OCR, *, binarize: bool = False, force_ocr: bool = False) -> Scanned:
    """A photo is searched for its page, straightened and read; a PDF page is read as it is (or keeps
    the text it carries) and its words laid back on the original page."""
    if item.pdf_page is None:
        try:
            result = scan(item.image, ocr, binarize=binarize)
        except NoPageError:
            raise NoPageError(f"no page found in {item.label}") from None
        return Scanned(position, item.label, result.corners, result.image, result.page)
    height, width = item.image.shape[:2]
    whole = rectangle(0, 0, width, height)
    if item.has_text and force_ocr:  # its text would lie twice on the original: write its rendering instead
        return Scanned(position, item.label, whole, item.image, ocr.read(item.image))
    kept = item.has_text
    page = item.own_text() if kept else ocr.read(item.image)
    source = SourcePage(item.path, item.pdf_page.number, None if kept else page, (width, height), item.pdf_page.to_page)
    return Scanned(position, item.label, whole, item.image, page, source)


def scan_record(result: Scanned) -> dict:
    """What `--format json` prints for a page: where it was found, its size and its text."""
    height, width = result.image.shape[:2]
    return {"path": result.label, "corners": box_list(result.corners), "width": width, "height": height, "text": result.page.text}


def _png_paths(out: Path, count: int) -> list[Path]:
    """OUT itself for one page; OUT-1.png, OUT-2.png ... (numbered by input position) for several."""
    return [out] if count == 1 else [out.with_name(f"{out.stem}-{i}.png") for i in range(1, count + 1)]


def write_scans(out: Path, results: list[Scanned], count: int) -> list[Path]:
    """Write the scans that succeeded, each file whole or not at all; returns the files written."""
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        if any(r.source for r in results):
            write_searchable_pdf([r.source or (r.image, r.page) for r in results], out)
        else:
            write_pdf([(r.image, r.page) for r in results], out)
        return [out]
    if suffix == ".txt":
        with replaced_atomically(out) as partial:
            partial.write_text("\f".join(r.page.text + "\n" for r in results), encoding="utf-8")
        return [out]
    targets = _png_paths(out, count)
    for result in results:
        with replaced_atomically(targets[result.position]) as partial:
            Image.fromarray(result.image).save(partial)
    return [targets[r.position] for r in results]
