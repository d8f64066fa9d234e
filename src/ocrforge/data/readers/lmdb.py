"""LMDB sets of the text-recognition benchmarks: `num-samples`, then `image-%09d` (encoded image) and
`label-%09d` (UTF-8) for indices 1..num-samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ocrforge.data.readers.deps import optional_import
from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image


def read_lmdb(path: Path) -> Iterator[Sample]:
    """PATH is the environment's folder (or its data.mdb); opened read-only and without locking, so
    read-only media and several readers at once are fine."""
    lmdb = optional_import("lmdb", "lmdb")
    folder = path.parent if path.is_file() else path
    env = lmdb.open(str(folder), readonly=True, lock=False, readahead=False, meminit=False)
    try:
        with env.begin() as txn:
            count = txn.get(b"num-samples")
            if count is None:
                raise ValueError(f"{folder}: no `num-samples` key (not a text-recognition LMDB set)")
            for index in range(1, int(count) + 1):
                source = f"{folder}#{index}"
                encoded, label = txn.get(b"image-%09d" % index), txn.get(b"label-%09d" % index)
                if encoded is None or label is None:
                    skip(source, "image or label key missing")
                    continue
                try:
                    image, text = load_image(encoded), label.decode("utf-8")
                except (ImageError, UnicodeDecodeError) as err:
                    skip(source, str(err))
                    continue
                yield Sample(image, text, source)
    finally:
        env.close()
