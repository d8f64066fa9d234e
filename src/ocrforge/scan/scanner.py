"""One photo of a page in, the flat page image and its words out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.io.images import ImageSource, describe, load_image
from ocrforge.pipeline.ocr import OCR
from ocrforge.results import Page
from ocrforge.scan.flatten import binarize as to_black_and_white
from ocrforge.scan.flatten import deskew, flatten_light, rectify
from ocrforge.scan.outline import find_page


class NoPageError(ValueError):
    """A photo in which no page could be found; the message names the photo."""


@dataclass
class ScanResult:
    corners: np.ndarray  # (4, 2) float32: the page in the photo's pixels, clockwise from top-left
    image: np.ndarray  # the scanned page: (H, W, 3) RGB uint8, or (H, W) black and white when binarised
    page: Page  # its words, boxes in the scanned image's pixels


def scan(photo: ImageSource, ocr: OCR, *, binarize: bool = False, max_side: int = DEFAULT_MAX_SIDE,
         decoder: str = "greedy") -> ScanResult:
    """Find the page, straighten it, even out its light, level its lines, read it; optionally binarise it.

    Binarising is for the page image only: the words are read from the grey page, whose thin and
    faint strokes a threshold would break. Raises ImageError for input that is not an image and
    NoPageError when no page is in it.
    """
    pixels = load_image(photo)
    corners = find_page(pixels)
    if corners is None:
        raise NoPageError(f"no page found in {describe(photo)}")
    image = deskew(flatten_light(rectify(pixels, corners)))
    page = ocr.read(image, max_side=max_side, decoder=decoder)
    return ScanResult(corners, to_black_and_white(image) if binarize else image, page)
