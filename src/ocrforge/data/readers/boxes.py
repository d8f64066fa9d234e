"""Detection sets: one JSON per image, {"image", "width", "height", "words": [{"box", "text"}]}, boxes
as 4 [x, y] points in image pixels, clockwise from top-left (the format of ../shared/data)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ocrforge.data.readers.line_words import split_line
from ocrforge.detect.geometry import reading_quad


@dataclass
class BoxedImage:
    image_path: Path
    quads: list[np.ndarray]  # (4, 2) float32 each
    texts: list[str]
    ignore: list[np.ndarray] = field(default_factory=list)  # "don't care" regions (ICDAR's ###): no credit, no blame
    partial_labels: bool = False  # only some words are boxed: unboxed areas are not background


def save_boxes(path: Path, image_name: str, shape: tuple[int, ...], quads: list[np.ndarray], texts: list[str]) -> None:
    words = [{"box": np.round(q, 1).tolist(), "text": t} for q, t in zip(quads, texts)]
    record = {"image": image_name, "width": int(shape[1]), "height": int(shape[0]), "words": words}
    path.write_text(json.dumps(record), encoding="utf-8")


def _quad(word: dict) -> np.ndarray:
    return np.asarray(word["box"], np.float32).reshape(4, 2)


def _records(folder: Path) -> Iterator[tuple[Path, dict]]:
    paths = sorted(folder.rglob("*.json"))
    if not paths:
        raise FileNotFoundError(f"{folder}: no detection JSON files here")
    for path in paths:
        yield path, json.loads(path.read_text(encoding="utf-8"))


def read_boxes(folder: Path) -> Iterator[BoxedImage]:
    """Every *.json in `folder` (and below), in name order, with its image path resolved beside it;
    words marked `"illegible": true` become don't-care regions. Records that box text lines and no
    words (SROIE receipts) get word boxes cut from each line where its ink shows the spaces unmistakably;
    the other lines become don't-care regions."""
    for path, record in _records(folder):
        try:
            if not record["words"] and record.get("lines"):
                yield _words_of_lines(path.parent / record["image"], record["lines"], bool(record.get("partial_labels")))
                continue
            words = [w for w in record["words"] if not w.get("illegible")]
            ignore = [_quad(w) for w in record["words"] if w.get("illegible")]
            yield BoxedImage(path.parent / record["image"], [_quad(w) for w in words], [w.get("text", "") for w in words],
                             ignore, bool(record.get("partial_labels")))
        except (KeyError, ValueError, TypeError) as err:
            raise ValueError(f"{path}: not a detection record ({err})") from None


def read_line_boxes(folder: Path) -> Iterator[BoxedImage]:
    """Every *.json in `folder` (and below) with its text lines as the boxes: each line's polygon (or box)
    as the smallest rotated rectangle around it, in reading order. For training a line detector
    (handwritten pages), where a line, not a word, is the unit."""
    for path, record in _records(folder):
        try:
            outlines = [np.asarray(line.get("polygon") or line["box"], np.float32).reshape(-1, 2) for line in record["lines"]]
            quads = [reading_quad(cv2.boxPoints(cv2.minAreaRect(outline)).astype(np.float32)) for outline in outlines]
            yield BoxedImage(path.parent / record["image"], quads, [line.get("text", "") for line in record["lines"]],
                             partial_labels=bool(record.get("partial_labels")))
        except (KeyError, ValueError, TypeError, cv2.error) as err:
            raise ValueError(f"{path}: not a detection record with text lines ({err})") from None


def _words_of_lines(image_path: Path, lines: list[dict], partial_labels: bool) -> BoxedImage:
    gray = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise ValueError(f"cannot read the image {image_path.name}")
    found = BoxedImage(image_path, [], [], partial_labels=partial_labels)
    for line in lines:
        quad = _quad(line)
        words = split_line(gray, quad, line.get("text", ""))
        if words is None:
            found.ignore.append(quad)
        else:
            found.quads.extend(words)
            found.texts.extend(line["text"].split())
    return found
