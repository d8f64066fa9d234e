"""MNIST in its IDX files (plain or gzipped): `*-images-idx3-ubyte` with its `*-labels-idx1-ubyte` beside it."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ocrforge.data.readers.sample import Sample

# IDX magic: two zero bytes, a type code, the number of dimensions; then one big-endian uint32 per dimension.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


def open_maybe_gzip(path: Path) -> BinaryIO:
    """The file's bytes, gunzipped if it is gzip, whatever its name says."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def read_idx(path: Path | str) -> np.ndarray:
    """A whole IDX file as an array of its own shape and type (e.g. (N, 28, 28) uint8)."""
    path = Path(path)
    with open_maybe_gzip(path) as f:
        data = f.read()
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (magic bytes {data[:4].hex() or 'missing'})")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: IDX header cut short")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(f"{path}: IDX header says {shape} ({expected} bytes) but {len(data) - header} bytes follow")
    # Native byte order, so callers get ordinary arrays.
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def labels_beside(images: Path) -> Path:
    """`t10k-images-idx3-ubyte.gz` -> `t10k-labels-idx1-ubyte.gz` (or the same name without/with .gz)."""
    name = images.name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1")
    if name == images.name:
        raise ValueError(f"{images}: expected an images file named like `*-images-idx3-ubyte[.gz]`")
    stem = name.removesuffix(".gz")
    candidates = [images.with_name(n) for n in dict.fromkeys([name, stem, stem + ".gz"])]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{images}: no labels file beside it (looked for {', '.join(c.name for c in candidates)})")


def read_mnist(path: Path) -> Iterator[Sample]:
    """Digits as white-on-black (H, W, 3) crops, as stored; text is the digit."""
    labels_path = labels_beside(path)
    images, labels = read_idx(path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"{path}: expected uint8 (N, rows, cols) images (magic 00000803), got {images.dtype} {images.shape}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(f"{labels_path}: expected uint8 (N,) labels (magic 00000801), got {labels.dtype} {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{path}: {len(images)} images but {labels_path.name} has {len(labels)} labels")
    for i, (pixels, label) in enumerate(zip(images, labels)):
        yield Sample(np.repeat(pixels[..., None], 3, axis=2), str(int(label)), f"{path}#{i}")
