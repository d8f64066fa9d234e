"""Real labelled plate crops boxed by the shipped reader: a box is trusted only where the reader's reading of
it agrees with the label, so data built from it (recognizer rows, detector scenes) never teaches a box that
lost a character or took in a neighbour."""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import Levenshtein

from ocrforge.plates.matching import normalise
from ocrforge.plates.reader import PlateReader

MAX_EDITS = 2  # between the reader's reading of a kept box and its label


def agreed_box(reader: PlateReader, pixels: np.ndarray, label: str) -> np.ndarray | None:
    """The (4, 2) box of the plate's characters in `pixels` where the reader's best plate holds as many
    letters and digits as `label` and reads within MAX_EDITS of it; None otherwise."""
    plates = reader.read(pixels, region="none")
    if not plates:
        return None
    read, wanted = normalise(plates[0].text), normalise(label)
    if len(read) != len(wanted) or Levenshtein.distance(read, wanted) > MAX_EDITS:
        return None
    return plates[0].box
