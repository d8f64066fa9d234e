"""Word crops cut out of a detection set (the JSON format of `boxes.py`), for training and
evaluating recognizers on the words of whole photos."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ocrforge.data.readers.boxes import read_boxes
from ocrforge.data.readers.crops import warp_quad
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image


def read_box_words(folder: Path) -> Iterator[Sample]:
    """Each legible, labelled word box of every image in `folder`, warped upright; don't-care
    (illegible) boxes and boxes without text are left out."""
    for boxed in read_boxes(folder):
        try:
            image = load_image(boxed.image_path)
        except ImageError as err:
            skip(str(boxed.image_path), str(err))
            continue
        for number, (quad, text) in enumerate(zip(boxed.quads, boxed.texts)):
            crop = warp_quad(image, quad) if text.strip() else None
            if crop is not None:
                yield Sample(crop, text, f"{boxed.image_path}#{number}")
