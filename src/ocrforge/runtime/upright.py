"""Cropped words that stand on end (a shop's vertical sign, a word on a turned box): a crop taller than
wide is read as it is and turned a quarter each way, and the surest reading is kept. Words in whole
images need none of this: the detector's boxes are turned upright before they are read."""

from __future__ import annotations

import numpy as np

from ocrforge.text.ctc import Decoded
from ocrforge.text.lexicon import Lexicon

TALL = 1.2  # height over width above which a crop may hold text turned on end
ORIENTATIONS = ("auto", "none")  # auto: tall crops are also read turned; none: every crop as it is


def views(image: np.ndarray) -> list[np.ndarray]:
    """The crop as it is and, when it is tall, turned a quarter clockwise and anticlockwise."""
    height, width = image.shape[:2]
    if height <= TALL * width:
        return [image]
    return [image, np.ascontiguousarray(np.rot90(image, -1)), np.ascontiguousarray(np.rot90(image, 1))]


def _sureness(reading: Decoded) -> float:
    return reading.confidence if reading.text.strip() else 0.0  # an empty reading is "sure" of nothing


def recognize_upright(recognizer, images: list[np.ndarray], decoder: str = "greedy", batch_size: int = 32,
                      lexicon: Lexicon | None = None) -> list[Decoded]:
    """`recognizer.recognize`, each tall crop read in the orientation it reads surest in (ties: as it is).
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
    return [best[i] for i in range(len(images))]
