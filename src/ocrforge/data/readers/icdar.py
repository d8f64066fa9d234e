"""ICDAR 2013 / 2015: a folder of images and `gt_<image name>.txt` files, read as word crops (recognition)
or as each image with its word boxes (detection).

2015 lines: `x1,y1,x2,y2,x3,y3,x4,y4,transcription`, corners clockwise from top-left, the transcription
unquoted and possibly holding commas. 2013 lines: `xmin ymin xmax ymax "transcription"`, space- or
comma-separated. `###` marks words too hard to read ("don't care"): they are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ocrforge.data.readers.boxes import BoxedImage
from ocrforge.data.readers.crops import crop_box, warp_quad
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.detect.geometry import rectangle
from ocrforge.io.images import IMAGE_SUFFIXES, ImageError, load_image

DONT_CARE = "###"
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_ICDAR2013 = re.compile(r"\s*" + r"\s*,?\s*".join([_NUMBER] * 4) + r'\s*,?\s*"(.*)"\s*$')


def _parse_line(line: str) -> tuple[np.ndarray | tuple[float, ...], str] | None:
    """(4x2 quad or (xmin, ymin, xmax, ymax), transcription), or None for a line in neither layout."""
    fields = line.split(",", 8)
    if len(fields) == 9:
        try:
            quad = np.array([float(v) for v in fields[:8]]).reshape(4, 2)
        except ValueError:
            pass
        else:
            return quad, fields[8]
    match = _ICDAR2013.match(line)
    if match:
        # Inside the quotes, \" and \\ stand for " and \.
        text = re.sub(r"\\(.)", r"\1", match.group(5))
        return tuple(float(v) for v in match.groups()[:4]), text
    return None


def _crop(image: np.ndarray, box: np.ndarray | tuple[float, ...]) -> np.ndarray | None:
    if isinstance(box, np.ndarray):
        return warp_quad(image, box)
    xmin, ymin, xmax, ymax = box
    return crop_box(image, xmin, ymin, xmax + 1, ymax + 1)  # ICDAR 2013 boxes include their max row and column


def _gt_pairs(path: Path) -> Iterator[tuple[Path, Path]]:
    """(gt file, its image) for every gt file in `path`, in file-name order."""
    images = {p.stem: p for p in sorted(path.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES}
    gt_files = sorted(path.glob("gt_*.txt"))
    if not gt_files:
        raise FileNotFoundError(f"{path}: no gt_<image>.txt files here")
    for gt in gt_files:
        stem = gt.stem.removeprefix("gt_")
        if stem not in images:
            skip(str(gt), f"no image named {stem}.* beside it")
            continue
        yield gt, images[stem]


def _gt_words(gt: Path) -> Iterator[tuple[str, np.ndarray | tuple[float, ...], str]]:
    """(source, box, transcription) per parseable line of one gt file."""
    # utf-8-sig: ICDAR 2015 gt files start with a byte-order mark.
    for number, line in enumerate(gt.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{gt}:{number}"
        parsed = _parse_line(line.strip())
        if parsed is None:
            skip(source, "neither `x1,y1,...,x4,y4,text` nor `xmin ymin xmax ymax \"text\"`")
            continue
        yield source, *parsed


def read_icdar(path: Path) -> Iterator[Sample]:
    """Every readable word of every gt file, in file-name order; `###` words are left out."""
    for gt, image_path in _gt_pairs(path):
        try:
            image = load_image(image_path)
        except ImageError as err:
            skip(str(gt), str(err))
            continue
        for source, box, text in _gt_words(gt):
            if text == DONT_CARE:
                continue
            crop = _crop(image, box)
            if crop is None:
                skip(source, "the box is empty or lies outside the image")
                continue
            yield Sample(crop, text, source)


def read_icdar_boxes(path: Path) -> Iterator[BoxedImage]:
    """Each image with its word quads (2013 rectangles as quads); `###` words become don't-care regions."""
    for gt, image_path in _gt_pairs(path):
        image = BoxedImage(image_path, [], [])
        for _, box, text in _gt_words(gt):
            # ICDAR 2013 boxes include their max row and column.
            quad = box.astype(np.float32) if isinstance(box, np.ndarray) else rectangle(box[0], box[1], box[2] + 1, box[3] + 1)
            if text == DONT_CARE:
                image.ignore.append(quad)
            else:
                image.quads.append(quad)
                image.texts.append(text)
        yield image
