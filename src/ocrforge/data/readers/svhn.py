"""SVHN cropped digits, `*_32x32.mat`: X is (32, 32, 3, N) uint8, y is (N, 1) with 10 standing for the digit 0."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ocrforge.data.readers.deps import optional_import
from ocrforge.data.readers.sample import Sample


def read_svhn(path: Path) -> Iterator[Sample]:
    """One centred digit per 32x32 crop (neighbouring digits may show at its sides)."""
    scipy_io = optional_import("scipy.io", "svhn")
    try:
        mat = scipy_io.loadmat(str(path))
    except NotImplementedError:  # scipy's answer to a v7.3 (HDF5) file
        raise ValueError(f"{path}: MATLAB v7.3; `svhn` reads *_32x32.mat (digitStruct.mat is `svhn_full`)") from None
    images, labels = mat.get("X"), mat.get("y")
    if images is None or labels is None or images.ndim != 4 or images.shape[2] != 3:
        raise ValueError(f"{path}: expected X of shape (32, 32, 3, N) and y of shape (N, 1)")
    labels = labels.reshape(-1)
    if len(labels) != images.shape[3]:
        raise ValueError(f"{path}: X holds {images.shape[3]} images but y {len(labels)} labels")
    for i, label in enumerate(labels):
        image = np.ascontiguousarray(images[..., i], dtype=np.uint8)
        yield Sample(image, str(int(label) % 10), f"{path}#{i}")
