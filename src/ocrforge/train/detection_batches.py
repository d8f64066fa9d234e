"""Detector training batches: random rescaled crops of pre-rendered images with their DB targets."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
import torch
from shapely.geometry import Polygon, box

from ocrforge.data.synth.detection_shards import load_detection_shard
from ocrforge.data.synth.scenes import TextImage
from ocrforge.detect.targets import db_targets

CROPS_PER_IMAGE = 4  # rendering a page costs ~20 training crops' worth of compute: reuse it


def random_crop(item: TextImage, rng: np.random.Generator, size: int) -> tuple[np.ndarray, list[np.ndarray], list[bool]]:
    """A size x size window of the image at a random scale; words the window cuts are marked ignore."""
    h, w = item.image.shape[:2]
    # Scale by text size, not image size: the typical word ends up 7 to 70 px high, the range the
    # runtime sees once it has scaled a photo or page to its working size.
    heights = [min(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[0] - q[1])) for q in item.quads]
    typical = float(np.median(heights)) if heights else 20.0
    scale = float(np.clip(np.exp(rng.uniform(np.log(7), np.log(70))) / max(typical, 1.0), 0.1, 4.0))
    win = size / scale  # the window's side in the original image's pixels
    if item.quads and rng.random() < 0.7:  # centre on a word, so crops of big images are not mostly margin
        cx, cy = item.quads[int(rng.integers(len(item.quads)))].mean(axis=0) + rng.normal(0, win / 4, 2)
    else:
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    x0 = float(np.clip(cx - win / 2, min(0, w - win), max(0, w - win)))
    y0 = float(np.clip(cy - win / 2, min(0, h - win), max(0, h - win)))
    # Cut the window first, then scale it: scaling a whole photo up 4x would be wasted work.
    sx0, sy0 = max(0, int(x0)), max(0, int(y0))
    sx1, sy1 = min(w, int(np.ceil(x0 + win))), min(h, int(np.ceil(y0 + win)))
    x0, y0 = float(int(x0)), float(int(y0))
    part = item.image[sy0:sy1, sx0:sx1]
    part_w, part_h = min(size, max(1, round(part.shape[1] * scale))), min(size, max(1, round(part.shape[0] * scale)))
    part = cv2.resize(part, (part_w, part_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    crop = np.empty((size, size, 3), np.uint8)
    crop[:] = item.image[::8, ::8].reshape(-1, 3).mean(axis=0).astype(np.uint8)
    ox, oy = min(size - part_w, round((sx0 - x0) * scale)), min(size - part_h, round((sy0 - y0) * scale))
    crop[oy:oy + part_h, ox:ox + part_w] = part
    quads = [(q - [x0, y0]) * scale for q in item.quads]
    window = box(0, 0, size, size)
    kept, ignore = [], []
    for quad in quads:
        polygon = Polygon(quad)
        if not polygon.is_valid or polygon.area <= 0:
            continue
        inside = polygon.intersection(window).area / polygon.area
        if inside > 0:
            kept.append(quad.astype(np.float32))
            ignore.append(inside < 0.95)
    return crop, kept, ignore


class DetectionStream(torch.utils.data.IterableDataset):
    """Endless (image, targets) training pairs from the shards in a folder, each worker its own shards."""

    def __init__(self, folder: Path, size: int, stride: int, seed: int) -> None:
        self.folder, self.size, self.stride, self.seed = folder, size, stride, seed
        if not self._paths():
            raise FileNotFoundError(f"no detection shards (*.npz) in {folder}")

    def _paths(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.npz") if not p.name.endswith(".tmp.npz"))

    def __iter__(self) -> Iterator[dict[str, np.ndarray]]:
        info = torch.utils.data.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        rng = np.random.default_rng([self.seed, worker])
        while True:
            paths = self._paths()  # every pass: shards the renderer added meanwhile join in
            for path in rng.permutation(paths[worker::workers] or paths):
                items = load_detection_shard(Path(path))
                for index in rng.permutation(len(items) * CROPS_PER_IMAGE) % len(items):
                    yield self._example(items[index], rng)

    def _example(self, item: TextImage, rng: np.random.Generator) -> dict[str, np.ndarray]:
        crop, quads, ignore = random_crop(item, rng, self.size)
        if rng.random() < 0.1:
            crop = 255 - crop
        map_size = self.size // self.stride
        targets = db_targets([q / self.stride for q in quads], ignore, (map_size, map_size))
        return {"images": crop.transpose(2, 0, 1).astype(np.float32), "prob": targets.prob, "prob_mask": targets.prob_mask,
                "thresh": targets.thresh, "thresh_mask": targets.thresh_mask}


def detection_batches(folder: Path, size: int, stride: int, batch_size: int, seed: int, workers: int = 1) -> Iterator[dict[str, torch.Tensor]]:
    loader = torch.utils.data.DataLoader(DetectionStream(folder, size, stride, seed), batch_size=batch_size,
                                         num_workers=workers, persistent_workers=workers > 0)
    yield from loader
