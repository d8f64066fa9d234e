"""Cropped words read the way they read surest. A crop taller than wide may hold a word standing on end
(a shop's vertical sign, a word on a turned box): it is read as it is and turned a quarter each way.
A crop read unsurely may hold its word aslant, in perspective (an axis-aligned box around a tilted
word, as the ICDAR 2015 crops are cut) or on an arch: given a detector, the word is found in it and read
again cut straight along its box and along its curve. The surest reading is kept. Words in whole images
are cut along the detector's boxes before they are read and need no second look."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ocrforge.detect.boxes import BoxParams, boxes_from_prob
from ocrforge.detect.curved import unbend
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


def straightened(detector: Detector, image: np.ndarray) -> list[np.ndarray]:
    """The word in the crop `image` cut straight two ways, with the reading pipeline's margin: along the
    biggest box the detector finds in it (a tilted or foreshortened word), and along the parabola through
    its text (a word on an arch); [] when the detector finds no text."""
    if image.ndim == 2 or image.shape[2] == 1:  # the detector reads colour
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    pad = int(FRAME * max(image.shape[:2]))
    framed = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    scale = LOOK_SIDE / max(framed.shape[:2])
    look = cv2.resize(framed, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    prob, (sx, sy) = detector.probability_map(look, max_side=LOOK_SIDE)
    quads, _ = boxes_from_prob(prob, BoxParams())
    if not quads:
        return []
    map_to_framed = (detector.output_stride / (sx * scale), detector.output_stride / (sy * scale))
    biggest = max(quads, key=cv2.contourArea) * np.float32(map_to_framed)
    cuts = [crop_quad(framed, expand_quad(biggest, CROP_MARGIN))]
    bent = unbend(framed, prob, map_to_framed, BoxParams(), CROP_MARGIN)
    return cuts + ([bent] if bent is not None else [])


@lru_cache(maxsize=1)
def _shipped_detector() -> Detector:
    return Detector()


def detector_for(model: str | Path | None) -> Detector | None:
    """The detector that straightens unsure crops read by `model` (a recognizer's name or file, None the
    default): the shipped one, except for the shipped handwriting recognizer, whose lines it was not made for."""
    handwriting = str(model) == "handwriting" or Path(str(model)).name == RECOGNIZERS["handwriting"]
    return None if handwriting else _shipped_detector()


def _a_piece(reading: Decoded, first: Decoded) -> bool:
    """A second reading more than two characters shorter than the first: read from a piece of the word
    (the detector split it at a wide gap), however sure."""
    return len(reading.text.strip()) < len(first.text.strip()) - 2


def _sureness(reading: Decoded) -> float:
    return reading.confidence if reading.text.strip() else 0.0  # an empty reading is "sure" of nothing


def recognize_upright(recognizer, images: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                      lexicon: Lexicon | None = None, detector: Detector | None = None) -> list[Decoded]:
    """`recognizer.recognize`, each tall crop read in the orientation it reads surest in (ties: as it is)
    and, given a `detector`, each unsure word-shaped crop also read straightened, kept when surer by SURER_BY
    and not read from a piece of the word.
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
        second = [(i, cut) for i, image in enumerate(images)
                  if _sureness(best[i]) < UNSURE and image.shape[1] <= WORD_ASPECT * image.shape[0]
                  for cut in straightened(detector, image)]
        readings = recognizer.recognize_prepared([recognizer.prepare(cut) for _, cut in second], decoder, batch_size, lexicon)
        first = {i: best[i] for i, _ in second}
        for (i, _), reading in zip(second, readings):
            surer = _sureness(reading) > max(_sureness(first[i]) + SURER_BY, _sureness(best[i]))
            if surer and not _a_piece(reading, first[i]):
                best[i] = reading
    return [best[i] for i in range(len(images))]
