"""Cropped-word sets as the standard scene-text benchmarks publish them, besides LMDB and labels.tsv:

- ICDAR 2013 / 2015 word recognition (IC13, IC15, and sets laid out like them): word images beside a
  ground-truth file with one `word_1.png, "Tiredness"` line each (quotes inside escaped as `\\"`).
- IIIT5K: `testdata.mat` / `traindata.mat` (ImgName, GroundTruth, and small / medium lexicons) beside
  the `test/` and `train/` image folders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ocrforge.data.readers.deps import optional_import
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image

_WORD_LINE = re.compile(r'\s*([^,]+?)\s*,\s*"(.*)"\s*$')


def _ground_truth_file(path: Path) -> Path:
    """PATH itself, or the one ground-truth text file in the folder PATH (gt.txt, or a name holding GT)."""
    if path.is_file():
        return path
    candidates = [p for p in sorted(path.glob("*.txt")) if p.name == "gt.txt" or "gt" in p.stem.lower()]
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise FileNotFoundError(f"{path}: expected one ground-truth file (gt.txt or *GT*.txt), found {found}")
    return candidates[0]


def read_icdar_words(path: Path) -> Iterator[Sample]:
    """Each `image, "text"` line of the ground-truth file, image paths relative to that file."""
    gt = _ground_truth_file(path)
    for number, line in enumerate(gt.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        match = _WORD_LINE.match(line)
        source = f"{gt}:{number}"
        if match is None:
            skip(source, 'expected `image, "text"`')
            continue
        try:
            image = load_image(gt.parent / match.group(1))
        except ImageError as err:
            skip(source, str(err))
            continue
        yield Sample(image, re.sub(r"\\(.)", r"\1", match.group(2)), source)


def _text(value: np.ndarray) -> str:
    """A MATLAB string as scipy loads it: an array holding one str."""
    return str(np.ravel(value)[0])


def _texts(cell: np.ndarray) -> tuple[str, ...]:
    """A MATLAB cell array of strings."""
    return tuple(_text(v) for v in np.ravel(cell) if np.size(v))


def read_iiit5k(path: Path) -> Iterator[Sample]:
    """PATH is testdata.mat or traindata.mat; each word with its medium lexicon (the larger of the two
    published per-image lists), image paths relative to the .mat file's folder."""
    scipy_io = optional_import("scipy.io", "scipy")
    mat = scipy_io.loadmat(str(path))
    key = next((k for k in mat if not k.startswith("__")), None)
    if key is None:
        raise ValueError(f"{path}: no data in this .mat file")
    for entry in np.ravel(mat[key]):
        name, text = _text(entry["ImgName"]), _text(entry["GroundTruth"])
        lexicon = _texts(entry["mediumLexi"]) if "mediumLexi" in entry.dtype.names else ()
        try:
            image = load_image(path.parent / name)
        except ImageError as err:
            skip(f"{path}#{name}", str(err))
            continue
        yield Sample(image, text, f"{path}#{name}", lexicon)
