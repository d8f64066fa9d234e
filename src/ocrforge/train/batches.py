"""Batches of recognizer crops from pre-rendered shards, bucketed by width, augmented on the fly."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from ocrforge.data.synth.shards import Shard, load_shard
from ocrforge.preprocess import MIN_WIDTH, pad_batch
from ocrforge.text.charset import Charset


class ShardPool:
    """All shards in a folder, re-scanned as the renderer adds more while training runs."""

    def __init__(self, folder: Path, max_shards: int | None = None) -> None:
        self.folder = folder
        self.max_shards = max_shards
        self.shards: dict[Path, Shard] = {}
        self.refresh()
        if not self.shards:
            raise FileNotFoundError(f"no shards (*.npz) in {folder}")

    def refresh(self) -> None:
        paths = sorted(p for p in self.folder.glob("*.npz") if not p.name.endswith(".tmp.npz"))
        for path in paths[: self.max_shards]:
            if path not in self.shards:
                self.shards[path] = load_shard(path)

    def __len__(self) -> int:
        return sum(len(s) for s in self.shards.values())

    def items(self) -> list[tuple[Shard, int]]:
        return [(shard, i) for shard in self.shards.values() for i in range(len(shard))]


def augment(crop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Cheap on-the-fly changes that the renderer's pixels do not already vary: width and polarity."""
    h, w = crop.shape
    if rng.random() < 0.5:
        new_w = max(MIN_WIDTH, int(w * rng.uniform(0.8, 1.25)))
        crop = cv2.resize(crop, (new_w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.1:
        crop = 255 - crop
    return crop


def make_batch(crops: list[np.ndarray], texts: list[str], charset: Charset) -> dict[str, np.ndarray]:
    images, widths = pad_batch(crops)
    encoded = [charset.encode(t) for t in texts]
    return {
        "images": images,
        "widths": widths,
        "labels": np.array([i for e in encoded for i in e], dtype=np.int64),
        "label_lengths": np.array([len(e) for e in encoded], dtype=np.int64),
    }


def training_batches(pool: ShardPool, charset: Charset, batch_size: int, seed: int, bucket: int = 32) -> Iterator[dict]:
    """Endless batches: draw bucket*batch_size samples, sort them by width, cut into batches, shuffle.

    Sorting keeps padding small (a short word is not padded to a long line's width).
    """
    rng = np.random.default_rng(seed)
    epoch_items = pool.items()
    drawn = 0
    while True:
        if drawn >= len(epoch_items):
            pool.refresh()
            epoch_items, drawn = pool.items(), 0
        picks = rng.choice(len(epoch_items), size=bucket * batch_size, replace=False)
        drawn += len(picks)
        samples = [(epoch_items[k][0], epoch_items[k][1]) for k in picks]
        samples.sort(key=lambda s: s[0].width(s[1]))
        groups = [samples[i : i + batch_size] for i in range(0, len(samples), batch_size)]
        for g in rng.permutation(len(groups)):
            group = groups[g]
            crops = [augment(shard.crop(i), rng) for shard, i in group]
            texts = [shard.texts[i] for shard, i in group]
            yield make_batch(crops, texts, charset)
