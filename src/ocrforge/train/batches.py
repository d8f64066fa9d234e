"""Batches of recognizer crops, from pre-rendered shards or rendered live in worker processes,
bucketed by width and augmented on the fly."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Iterator, NamedTuple

import cv2
import numpy as np
import torch

from ocrforge.data.synth.recipe import TRAINING, SynthRecipe, sample
from ocrforge.data.synth.shards import Shard, load_shard
from ocrforge.preprocess import MIN_WIDTH, pad_batch, prepare_crop
from ocrforge.text.charset import Charset


class ShardPool:
    """All shards in a folder, re-scanned as the renderer adds more while training runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.shards: dict[Path, Shard] = {}
        self.refresh()
        if not self.shards:
            raise FileNotFoundError(f"no shards (*.npz) in {folder}")

    def refresh(self) -> None:
        paths = sorted(p for p in self.folder.glob("*.npz") if not p.name.endswith(".tmp.npz"))
        for path in paths:
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


def make_batch(crops: list[np.ndarray], texts: list[str], charset: Charset,
               caseless: list[bool] | None = None) -> dict[str, np.ndarray]:
    """Padded crops and their encoded texts; `caseless` marks texts whose case says nothing (the loss
    then scores their letters in either case)."""
    images, widths = pad_batch(crops)
    encoded = [charset.encode(t) for t in texts]
    return {
        "images": images,
        "widths": widths,
        "labels": np.array([i for e in encoded for i in e], dtype=np.int64),
        "label_lengths": np.array([len(e) for e in encoded], dtype=np.int64),
        "caseless": np.array(caseless or [False] * len(texts), dtype=bool),
    }


class Sample(NamedTuple):
    crop: np.ndarray  # prepared: the model's input height, gray
    text: str
    caseless: bool = False  # the label is upper case whatever the print shows (SROIE)


def shard_chunks(pool: ShardPool, chunk_size: int, rng: np.random.Generator) -> Iterator[list[Sample]]:
    """Random draws from pre-rendered shards, without repeats until the pool is used up."""
    items = pool.items()
    order, drawn = rng.permutation(len(items)), 0
    while True:
        if drawn + chunk_size > len(order):
            pool.refresh()  # pick up shards the renderer has finished meanwhile
            items = pool.items()
            order, drawn = rng.permutation(len(items)), 0
        picks = order[drawn : drawn + chunk_size]
        drawn += chunk_size
        yield [Sample(items[k][0].crop(items[k][1]), items[k][0].texts[items[k][1]]) for k in picks]


class SynthStream(torch.utils.data.IterableDataset):
    """Renders training samples live in DataLoader worker processes: chunk k holds samples k*size..(k+1)*size-1."""

    def __init__(self, seed: int, recipe: SynthRecipe, chunk_size: int, first_chunk: int = 0) -> None:
        self.seed, self.recipe, self.chunk_size, self.first_chunk = seed, recipe, chunk_size, first_chunk

    def __iter__(self) -> Iterator[list[Sample]]:
        info = torch.utils.data.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        for chunk in itertools.count(self.first_chunk + worker, workers):
            start = chunk * self.chunk_size
            rendered = (sample(self.seed, i, self.recipe) for i in range(start, start + self.chunk_size))
            yield [Sample(prepare_crop(image), text) for image, text in rendered]


def at_height(chunks: Iterator[list[Sample]], height: int) -> Iterator[list[Sample]]:
    """Chunks of prepared crops scaled to `height` where they were prepared at another (32-px shards for
    a 64-px model: the synthetic part of a handwriting batch)."""
    for chunk in chunks:
        yield [s if s.crop.shape[0] == height else
               s._replace(crop=cv2.resize(s.crop, (max(1, round(s.crop.shape[1] * height / s.crop.shape[0])), height),
                                          interpolation=cv2.INTER_LINEAR))
               for s in chunk]


def _keep_numpy(chunk: list[Sample]) -> list[Sample]:
    return chunk  # the DataLoader would otherwise turn the crops into tensors


def live_chunks(seed: int, chunk_size: int, workers: int, first_chunk: int = 0) -> Iterator[list[Sample]]:
    stream = SynthStream(seed, TRAINING, chunk_size, first_chunk)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=workers,
                                         collate_fn=_keep_numpy, prefetch_factor=2 if workers else None)
    yield from loader


def bucketed_batches(chunks: Iterator[list[Sample]], charset: Charset, batch_size: int, rng: np.random.Generator) -> Iterator[dict]:
    """Sort each chunk by width, cut it into batches, and yield those in random order.

    Sorting keeps padding small (a short word is not padded to a long line's width).
    """
    for chunk in chunks:
        chunk = sorted(chunk, key=lambda s: s.crop.shape[1])
        groups = [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
        for g in rng.permutation(len(groups)):
            crops = [augment(s.crop, rng) for s in groups[g]]
            yield make_batch(crops, [s.text for s in groups[g]], charset, [s.caseless for s in groups[g]])
