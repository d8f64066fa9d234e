"""Detection sets: one JSON per image, {"image", "width", "height", "words": [{"box", "text"}]}, boxes
as 4 [x, y] points in image pixels, clockwise from top-left (the format of ../shared/data)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class BoxedImage:
    image_path: Path
    quads: list[np.ndarray]  # (4, 2) float32 each
    texts: list[str]
    ignore: list[np.ndarray] = field(default_factory=list)  # "don't care" regions (ICDAR's ###): no credit, no blame


def rectangle(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """An axis-aligned box as a (4, 2) quad, clockwise from the top-left."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def save_boxes(path: Path, image_name: str, shape: tuple[int, ...], quads: list[np.ndarray], texts: list[str]) -> None:
    words = [{"box": np.round(q, 1).tolist(), "text": t} for q, t in zip(quads, texts)]
    record = {"image": image_name, "width": int(shape[1]), "height": int(shape[0]), "words": words}
    path.write_text(json.dumps(record), encoding="utf-8")


def _quad(word: dict) -> np.ndarray:
    return np.asarray(word["box"], np.float32).reshape(4, 2)


def read_boxes(folder: Path) -> Iterator[BoxedImage]:
    """Every *.json in `folder` (and below), in name order, with its image path resolved beside it;
    words marked `"illegible": true` become don't-care regions."""
    paths = sorted(folder.rglob("*.json"))
    if not paths:
        raise FileNotFoundError(f"{folder}: no detection JSON files here")
    for path in paths:
        record = json.loads(path.read_text(encoding="utf-8"))
        try:
            words = [w for w in record["words"] if not w.get("illegible")]
            ignore = [_quad(w) for w in record["words"] if w.get("illegible")]
            yield BoxedImage(path.parent / record["image"], [_quad(w) for w in words], [w.get("text", "") for w in words], ignore)
        except (KeyError, ValueError, TypeError) as err:
            raise ValueError(f"{path}: not a detection record ({err})") from None
