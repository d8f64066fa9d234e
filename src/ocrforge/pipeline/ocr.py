"""The reading pipeline: detect words, warp each to an upright strip, recognize them in batches,
arrange them into lines and blocks in reading order. Handwritten pages are read a line at a time:
the line detector finds whole lines, each is read at once, and its words are placed along it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ocrforge.detect.boxes import BoxParams
from ocrforge.detect.geometry import CROP_MARGIN, crop_quad, expand_quad, orient_quads
from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.io.images import ImageError, ImageSource, load_image
from ocrforge.pipeline.layout import arrange
from ocrforge.results import Page, Word
from ocrforge.runtime.detector import Detector
from ocrforge.runtime.onnx import HANDWRITING_LINES, shipped_model
from ocrforge.runtime.recognizers import load_recognizer
from ocrforge.text.lexicon import Lexicon


class OCR:
    """`OCR().read(image)` -> Page. Holds the two models; every option is a per-call argument,
    so one instance can serve many threads."""

    def __init__(self, detector: str | Path | None = None, recognizer: str | Path | None = None, threads: int | None = None,
                 *, handwriting: bool = False) -> None:
        """`recognizer`: a shipped one by name (crnn, attention, handwriting) or an ONNX file; default the
        CRNN. `handwriting`: a handwritten page, its lines found by the line detector and read whole by
        the handwriting recognizer (unless `detector` or `recognizer` name others)."""
        self.by_lines = handwriting
        self.detector = Detector(detector or (shipped_model(HANDWRITING_LINES) if handwriting else None), threads)
        self.recognizer = load_recognizer(recognizer or ("handwriting" if handwriting else None), threads)

    def read(self, image: ImageSource, *, max_side: int = DEFAULT_MAX_SIDE, decoder: str = "greedy",
             box_params: BoxParams = BoxParams(), min_confidence: float = 0.0, crop_margin: float = CROP_MARGIN,
             lexicon: Lexicon | None = None) -> Page:
        """Every word of one image (path, bytes, numpy array or PIL image) with its box and confidence.

        `max_side`: the longer side the detector works at (boxes always come back in original pixels);
        `min_confidence`: words the recognizer is less sure of are dropped; `crop_margin`: how much
        around each box (in box heights) the recognizer sees; `lexicon`: decode preferring its words (a
        CTC recognizer only, see ocrforge.text.lexicon). Raises ImageError for bad input.
        """
        pixels = load_image(image)
        path = str(image) if isinstance(image, (str, Path)) else None
        detections = self.detector.detect(pixels, max_side, box_params)
        height = self.recognizer.info.input_height
        # Boxes start at the text's own top-left corner, so even steep words keep their reading direction.
        quads = orient_quads([d.quad for d in detections])
        crops = [self.recognizer.prepare(crop_quad(pixels, expand_quad(quad, crop_margin), height)) for quad in quads]
        decoded = self.recognizer.recognize_prepared(crops, decoder, lexicon=lexicon) if crops else []
        words = [
            Word(result.text.strip(), result.confidence, quad, detection.score)
            for detection, quad, result in zip(detections, quads, decoded)
            if result.text.strip() and result.confidence >= min_confidence
        ]
        if self.by_lines:
            words = [word for line in words for word in words_along(line)]
        height, width = pixels.shape[:2]
        return Page(path, width, height, arrange(words))

    def read_many(self, images: Iterable[ImageSource], *, errors: str = "raise", **options) -> list[Page | None]:
        """`read` for each image, in order. errors="skip": an unreadable input gives None in its place
        (`read_each` also says why)."""
        return [page for page, _ in self.read_each(images, errors=errors, **options)]

    def read_each(self, images: Iterable[ImageSource], *, errors: str = "raise", **options) -> Iterator[tuple[Page | None, str | None]]:
        """(page, None) per readable image and, with errors="skip", (None, message naming the input) per bad one."""
        if errors not in ("raise", "skip"):
            raise ValueError(f"errors must be 'raise' or 'skip', not {errors!r}")
        for image in images:
            try:
                yield self.read(image, **options), None
            except ImageError as err:
                if errors == "raise":
                    raise
                yield None, str(err)  # ImageError messages name the input


def words_along(line: Word) -> list[Word]:
    """A line read whole, as its words: each word's box the stretch of the line's box its characters
    take (spaces counted as characters), with the line's confidence."""
    text = line.text
    start, end = line.box[[0, 3]], line.box[[1, 2]]  # the line's left and right edges, top then bottom
    words, offset = [], 0
    for token in text.split():
        first = text.index(token, offset)
        offset = first + len(token)
        left, right = start + (end - start) * first / len(text), start + (end - start) * offset / len(text)
        words.append(Word(token, line.confidence, np.float32([left[0], right[0], right[1], left[1]]), line.detection_score))
    return words
