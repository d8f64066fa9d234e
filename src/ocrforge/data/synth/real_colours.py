"""Text and ground colours measured on real photographed words, for the synthetic engine to draw from.

Real scene words are light on dark far more often than the engine's own colour choice makes them
(65% of the pairs measured on train_real's scene words, against 30% of the engine's own choices with
training's inversions), and their colours come in pairs no rule writes down (white on a red sign, gold
on black). `real_colours.txt` holds pairs measured on real training crops; rebuild it with
`python -m ocrforge.data.synth.real_colours FOLDER... > real_colours.txt`.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

TABLE = Path(__file__).with_name("real_colours.txt")
TABLE_SIZE = 256
MIN_LUMA_GAP = 30.0  # pairs closer than this were measured on crops too blurred or small to split


def ground_and_ink(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two colours of a word crop: the one that owns the crop's border is the ground."""
    pixels = rgb.reshape(-1, 3).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    _, labels, centres = cv2.kmeans(pixels, 2, None, criteria, 3, cv2.KMEANS_PP_CENTERS)
    labels = labels.reshape(rgb.shape[:2])
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    ground = int(border.mean() > 0.5)
    return centres[ground], centres[1 - ground]


def luma(rgb: np.ndarray) -> float:
    """Luminance of an RGB colour (ITU-R BT.601 weights, as OpenCV's gray)."""
    return float(rgb @ np.float32([0.299, 0.587, 0.114]))


def measure(folders: list[str], size: int = TABLE_SIZE, seed: int = 0) -> np.ndarray:
    """(size, 2, 3) uint8 ground/ink pairs drawn evenly from the colour crops of `folders` (labels.tsv sets)."""
    from ocrforge.data.readers import open_dataset

    pairs = []
    for folder in folders:
        for sample in open_dataset(f"folder:{folder}"):
            if sample.image.ndim != 3 or min(sample.image.shape[:2]) < 8:
                continue
            ground, ink = ground_and_ink(sample.image)
            if abs(luma(ground) - luma(ink)) >= MIN_LUMA_GAP:
                pairs.append((ground, ink))
    picks = np.random.default_rng(seed).choice(len(pairs), size=min(size, len(pairs)), replace=False)
    return np.clip(np.round([pairs[i] for i in picks]), 0, 255).astype(np.uint8)


@lru_cache(maxsize=1)
def table() -> np.ndarray:
    """The shipped pairs, (N, 2, 3) float32: ground, ink."""
    rows = [bytes.fromhex(line) for line in TABLE.read_text().split()]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 2, 3).astype(np.float32)


def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A measured (ground, ink) pair, each colour shifted a little so the table is not learnt by heart."""
    ground, ink = table()[int(rng.integers(len(table())))]
    return np.clip(ground + rng.normal(0, 8, 3), 0, 255), np.clip(ink + rng.normal(0, 8, 3), 0, 255)


if __name__ == "__main__":
    for ground, ink in measure(sys.argv[1:]):
        print(bytes(ground).hex() + bytes(ink).hex())
