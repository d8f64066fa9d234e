"""Detector training batches: random rescaled crops of pre-rendered images with their DB targets,
mixed with crops of real photos and scans when given."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import torch

from ocrforge.data.synth.detection_shards import load_detection_shard
from ocrforge.data.synth.scenes import TextImage
from ocrforge.detect.targets import db_targets
from ocrforge.train.detection_crops import random_crop
from ocrforge.train.real_detection import RealScenes, augment_crop, read_scene, source_weights

CROPS_PER_IMAGE = 4  # rendering a page costs ~20 training crops' worth of compute: reuse it


class DetectionStream(torch.utils.data.IterableDataset):
    """Endless (image, targets) training pairs from the shards in a folder, each worker its own shards;
    a `real_share` of them cut from the real images instead."""

    def __init__(self, folder: Path | None, size: int, stride: int, seed: int,
                 real: Sequence[RealScenes] = (), real_share: float = 0.0) -> None:
        self.folder, self.size, self.stride, self.seed = folder, size, stride, seed
        self.real, self.real_share = list(real), real_share if real else 0.0
        if self.real_share < 1 and not self._paths():
            raise FileNotFoundError(f"no detection shards (*.npz) in {folder}")

    def _paths(self) -> list[Path]:
        if self.folder is None:
            return []
        return sorted(p for p in self.folder.glob("*.npz") if not p.name.endswith(".tmp.npz"))

    def _synthetic(self, rng: np.random.Generator, worker: int, workers: int) -> Iterator[TextImage]:
        while True:
            paths = self._paths()  # every pass: shards the renderer added meanwhile join in
            for path in rng.permutation(paths[worker::workers] or paths):
                items = load_detection_shard(Path(path))
                for index in rng.permutation(len(items) * CROPS_PER_IMAGE) % len(items):
                    yield items[index]

    def __iter__(self) -> Iterator[dict[str, np.ndarray]]:
        info = torch.utils.data.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        rng = np.random.default_rng([self.seed, worker])
        synthetic = self._synthetic(rng, worker, workers)
        weights = source_weights(self.real) if self.real else None
        while True:
            if rng.random() < self.real_share:
                source = self.real[rng.choice(len(self.real), p=weights)]
                yield self._example(read_scene(source.items[rng.integers(len(source))]), rng, real=True)
            else:
                yield self._example(next(synthetic), rng)

    def _example(self, item: TextImage, rng: np.random.Generator, real: bool = False) -> dict[str, np.ndarray]:
        crop, quads, ignore = random_crop(item, rng, self.size)
        if real:
            crop, quads, ignore = augment_crop(crop, quads, ignore, rng)
        if rng.random() < 0.1:
            crop = 255 - crop
        map_size = self.size // self.stride
        targets = db_targets([q / self.stride for q in quads], ignore, (map_size, map_size))
        return {"images": crop.transpose(2, 0, 1).astype(np.float32), "prob": targets.prob, "prob_mask": targets.prob_mask,
                "thresh": targets.thresh, "thresh_mask": targets.thresh_mask}


def detection_batches(folder: Path | None, size: int, stride: int, batch_size: int, seed: int, workers: int = 1,
                      real: Sequence[RealScenes] = (), real_share: float = 0.0) -> Iterator[dict[str, torch.Tensor]]:
    loader = torch.utils.data.DataLoader(DetectionStream(folder, size, stride, seed, real, real_share),
                                         batch_size=batch_size, num_workers=workers, persistent_workers=workers > 0)
    yield from loader
