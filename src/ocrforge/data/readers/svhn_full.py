"""SVHN full numbers: `digitStruct.mat` (MATLAB v7.3, i.e. HDF5) beside the house-number images it describes.

MATLAB stores the struct array as object references: `digitStruct/name` is (N, 1) references to
uint16 character arrays, `digitStruct/bbox` (N, 1) references to groups whose fields height, label,
left, top and width are a (1, 1) dataset for a one-digit number, or (k, 1) references to (1, 1)
datasets for k digits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ocrforge.data.readers.deps import optional_import
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image

_BBOX_FIELDS = ("left", "top", "width", "height", "label")


def _field(h5, group, key: str) -> list[float]:
    """One bbox field as one float per digit, whichever of MATLAB's two layouts it is in."""
    dataset = group[key]
    values = dataset[()].reshape(-1)
    if dataset.dtype.kind == "O":  # references, one per digit
        return [float(h5[ref][()].reshape(-1)[0]) for ref in values]
    return [float(v) for v in values]


def read_svhn_full(path: Path) -> Iterator[Sample]:
    """Whole house-number images; text is the digit string, boxes the digits' (x, y, w, h) left to right as given."""
    h5py = optional_import("h5py", "svhn_full")
    with h5py.File(path, "r") as h5:
        try:
            names, bboxes = h5["digitStruct/name"], h5["digitStruct/bbox"]
        except KeyError:
            raise ValueError(f"{path}: no digitStruct/name and digitStruct/bbox (not SVHN's digitStruct.mat)") from None
        for i in range(names.shape[0]):
            name = "".join(map(chr, h5[names[i, 0]][()].reshape(-1)))
            source = f"{path}#{i}"
            group = h5[bboxes[i, 0]]
            left, top, width, height, labels = (_field(h5, group, key) for key in _BBOX_FIELDS)
            try:
                image = load_image(path.parent / name)
            except ImageError as err:
                skip(source, str(err))
                continue
            text = "".join(str(int(label) % 10) for label in labels)  # 10 stands for the digit 0
            yield Sample(image, text, source, boxes=tuple(zip(left, top, width, height)))
