"""Cropped words read the way they read surest. A crop taller than wide may hold a word standing on end
(a shop's vertical sign, a word on a turned box): it is read as it is and turned a quarter each way.
A crop read unsurely may hold its word aslant or in perspective (an axis-aligned box around a tilted
word, as the ICDAR 2015 crops are cut): given a detector, the word is found in it and read again cut
straight along its box. The surest reading is kept. Words in whole images need none of this: the
detector's boxes are cut straight before they are read."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ocrforge.detect.geometry import CROP_MARGIN, crop_quad, expand_quad
from ocrforge.runtime.detector import Detector
from ocrforge.runtime.onnx import RECOGNIZERS
from ocrforge.text.ctc import Decoded
from ocrforge.text.lexicon import Lexicon

TALL = 1.2  # height over width above which a crop may hold text turned on end
ORIENTATIONS = ("auto", "none")  # auto: tall crops also read turned, unsure ones straightened; none: as they are
# Straightening, chosen on the real validation crops of train_real (scene words, receipt lines):
UNSURE = 0.9  # mean character confidence below which a crop is looked at again, straightened
SURER_BY = 0.1  # how much surer the straightened reading must be to replace the first
WORD_ASPECT = 6.0  # crops up to this many times wider than high hold a word; the detector would cut a line up
FRAME = 0.3  # border added around a crop (of its longer side) so a word touching its edges is found whole
LOOK_SIDE = 128  # the detector looks at the framed crop scaled to this longest side: a word fills it


def views(image: np.ndarray) -> list[np.ndarray]:
    """The crop as it is and, when it is tall, turned a quarter clockwise and anticlockwise."""
    height, width = image.shape[:2]
    if height <= TALL * width:
        return [image]
    return [image, np.ascontiguousarray(np.rot90(image, -1)), np.ascontiguousarray(np.rot90(image, 1))]


def straightened(detector: Detector, image: np.ndarray) -> np.ndarray | None:
    """The biggest word the detector finds in the crop `image`, cut straight along its box with the
    reading pipeline's margin; None when it finds none."""
    pad = int(FRAME * max(image.shape[:2]))
    framed = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    if framed.ndim == 2:
        framed = cv2.cvtColor(framed, cv2.COLOR_GRAY2RGB)
    scale = LOOK_SIDE / max(framed.shape[:2])
    look = cv2.resize(framed, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    found = detector.detect(look, max_side=LOOK_SIDE, enlarge_sparse=False)
    if not found:
        return None
    biggest = max(found, key=lambda d: cv2.contourArea(d.quad)).quad / scale
    return crop_quad(framed, expand_quad(biggest, CROP_MARGIN))


@lru_cache(maxsize=1)
def _shipped_detector() -> Detector:
    return Detector()


def detector_for(model: str | Path | None) -> Detector | None:
    """The detector that straightens unsure crops read by `model` (a recognizer's name or file, None the
    default): the shipped one, except for the shipped handwriting recognizer, whose lines it was not made for."""
    handwriting = str(model) == "handwriting" or Path(str(model)).name == RECOGNIZERS["handwriting"]
    return None if handwriting else _shipped_detector()


def _sureness(reading: Decoded) -> float:
    return reading.confidence if reading.text.strip() else 0.0  # an empty reading is "sure" of nothing


def recognize_upright(recognizer, images: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                      lexicon: Lexicon | None = None, detector: Detector | None = None) -> list[Decoded]:
    """`recognizer.recognize`, each tall crop read in the orientation it reads surest in (ties: as it is)
    and, given a `detector`, each unsure word-shaped crop also read straightened, kept when surer by SURER_BY.
    `recognizer`: a CTC or attention recognizer of ocrforge.runtime."""
    prepared, owners = [], []
    for i, image in enumerate(images):
        for view in views(image):
            prepared.append(recognizer.prepare(view))
            owners.append(i)
    best: dict[int, Decoded] = {}
    for owner, reading in zip(owners, recognizer.recognize_prepared(prepared, decoder, batch_size, lexicon)):
        if owner not in best or _sureness(reading) > _sureness(best[owner]):
            best[owner] = reading
    if detector is not None:
        second = [(i, straightened(detector, image)) for i, image in enumerate(images)
                  if _sureness(best[i]) < UNSURE and image.shape[1] <= WORD_ASPECT * image.shape[0]]
        second = [(i, crop) for i, crop in second if crop is not None]
        readings = recognizer.recognize_prepared([recognizer.prepare(crop) for _, crop in second], decoder, batch_size, lexicon)
        for (i, _), reading in zip(second, readings):
            if _sureness(reading) > _sureness(best[i]) + SURER_BY:
                best[i] = reading
    return [best[i] for i in range(len(images))]
