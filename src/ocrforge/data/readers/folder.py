"""A folder of images with labels.tsv: `relative/path<TAB>escaped text` per line, UTF-8."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np

from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image
from ocrforge.text.escape import escape, unescape


def read_labels(path: Path) -> Iterator[tuple[Path, str]]:
    """(image path, text) per line of labels.tsv; PATH is the folder or the file, image paths are relative to it."""
    labels = path / "labels.tsv" if path.is_dir() else path
    if not labels.is_file():
        raise FileNotFoundError(f"{path}: no labels.tsv here")
    # split("\n"), not splitlines(): the escaping leaves \r, \x1c, U+2028 ... inside a text untouched.
    for number, line in enumerate(labels.read_text(encoding="utf-8").split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        rel, tab, text = line.partition("\t")
        if not tab:
            raise ValueError(f"{labels}:{number}: expected `relative/path<TAB>text`, found no tab")
        yield labels.parent / rel, unescape(text)


def read_folder(path: Path) -> Iterator[Sample]:
    """The images listed in labels.tsv with their texts; unreadable images are skipped with a warning."""
    for image_path, text in read_labels(path):
        try:
            image = load_image(image_path)
        except ImageError as err:
            skip(str(image_path), str(err))
            continue
        yield Sample(image, text, str(image_path))


def write_folder(out: Path, samples: Iterable[tuple[np.ndarray, str]], jpeg_quality: int | None = None) -> int:
    """The reverse of read_folder: each (RGB or gray image, text) as a numbered PNG (or JPEG at
    `jpeg_quality`, less than half the bytes of a photo's PNG), then labels.tsv, written last so that a
    folder without it is an unfinished write. Returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    name, params = ("{:05d}.png", []) if jpeg_quality is None else ("{:05d}.jpg", [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    rows = []
    for i, (image, text) in enumerate(samples):
        pixels = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        cv2.imwrite(str(out / name.format(i)), pixels, params)
        rows.append(f"{name.format(i)}\t{escape(text)}\n")
    (out / "labels.tsv").write_text("".join(rows), encoding="utf-8")
    return len(rows)
