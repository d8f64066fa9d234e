"""Readers for standard OCR and digit sets, chosen by a `--data KIND:PATH` spec: recognition and digit sets
yield `Sample`s (`open_dataset`), detection sets yield `BoxedImage`s (`open_detection_set`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from ocrforge.data.readers.box_words import read_box_words
from ocrforge.data.readers.boxes import BoxedImage, read_boxes
from ocrforge.data.readers.folder import read_folder
from ocrforge.data.readers.icdar import read_icdar, read_icdar_boxes
from ocrforge.data.readers.line_xml import read_alto, read_page
from ocrforge.data.readers.lmdb import read_lmdb
from ocrforge.data.readers.mnist import read_idx, read_mnist
from ocrforge.data.readers.mnist_csv import read_mnist_csv
from ocrforge.data.readers.sample import Sample, SkippedSampleWarning
from ocrforge.data.readers.svhn import read_svhn
from ocrforge.data.readers.svhn_full import read_svhn_full
from ocrforge.data.readers.svt import read_svt, read_svt_boxes
from ocrforge.data.readers.word_lists import read_icdar_words, read_iiit5k

# Exact names only: each KIND is one reader, and PATH is what that reader's docstring says.
KINDS: dict[str, Callable[[Path], Iterator[Sample]]] = {
    "folder": read_folder,  # a folder with labels.tsv, or the labels.tsv itself
    "mnist": read_mnist,  # *-images-idx3-ubyte[.gz], labels file beside it
    "mnist_csv": read_mnist_csv,  # 784 pixels then the label per row, e.g. mnist_5k.csv.gz
    "svhn": read_svhn,  # *_32x32.mat
    "svhn_full": read_svhn_full,  # digitStruct.mat beside the images
    "svt": read_svt,  # train.xml or test.xml
    "icdar": read_icdar,  # a folder of images and gt_<image>.txt
    "icdar_words": read_icdar_words,  # cropped words and a gt.txt of `word_1.png, "text"` lines (IC13, IC15)
    "iiit5k": read_iiit5k,  # IIIT5K's testdata.mat / traindata.mat beside its image folders
    "lmdb": read_lmdb,  # an LMDB environment folder
    "boxes": read_box_words,  # the word boxes of a detection set (JSON per image), cut out upright
    "alto": read_alto,  # ALTO XML text lines (eScriptorium, Kraken): a folder of *.xml (recursive) or one file
    "page": read_page,  # PAGE XML text lines (Transkribus, eScriptorium): a folder of *.xml (recursive) or one file
}


# Detection sets: each image with its word boxes.
DETECTION_KINDS: dict[str, Callable[[Path], Iterator[BoxedImage]]] = {
    "boxes": read_boxes,  # a folder of detection JSON files (the format of ../shared/data)
    "icdar": read_icdar_boxes,  # a folder of images and gt_<image>.txt
    "svt": read_svt_boxes,  # train.xml or test.xml
}


def _open(spec: str, kinds: dict[str, Callable], limit: int | None) -> Iterator:
    known = ", ".join(kinds)
    kind, colon, path = spec.partition(":")
    if not colon or not path:
        raise ValueError(f"--data {spec!r}: expected KIND:PATH, KIND one of {known}")
    if kind not in kinds:
        raise ValueError(f"--data {spec!r}: unknown kind {kind!r}; known: {known}")
    where = Path(path).expanduser()
    if not where.exists():
        raise FileNotFoundError(f"--data {spec!r}: {where} does not exist (kinds: {known})")
    return itertools.islice(kinds[kind](where), limit)


def open_dataset(spec: str, limit: int | None = None) -> Iterator[Sample]:
    """`KIND:PATH` -> its samples (the first `limit` of them); a bad spec fails here, before any reading."""
    return _open(spec, KINDS, limit)


def open_detection_set(spec: str, limit: int | None = None) -> Iterator[BoxedImage]:
    """`KIND:PATH` of a detection set -> its images with their boxes (the first `limit`)."""
    return _open(spec, DETECTION_KINDS, limit)


__all__ = ["DETECTION_KINDS", "KINDS", "BoxedImage", "Sample", "SkippedSampleWarning", "open_dataset", "open_detection_set", "read_idx"]
