"""Pre-rendered detection images on disk: rendering a page costs more than a training step uses it.

One .npz per shard: every image's pixels in one flat uint8 buffer, and every word box.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ocrforge.data.synth.plates import plate_detection_sample
from ocrforge.data.synth.scenes import TextImage, detection_sample


def save_detection_shard(images: list[TextImage], path: Path) -> None:
    shapes = np.array([im.image.shape for im in images], np.int32)
    counts = np.array([len(im.quads) for im in images], np.int32)
    quads = np.concatenate([np.array(im.quads, np.float32).reshape(-1, 4, 2) for im in images])
    texts = json.dumps([t for im in images for t in im.texts])
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, pixels=np.concatenate([im.image.ravel() for im in images]), shapes=shapes,
             counts=counts, quads=quads, texts=np.array(texts))
    tmp.rename(path)  # readers never see half a shard


def load_detection_shard(path: Path) -> list[TextImage]:
    with np.load(path) as data:
        pixels, shapes, counts, quads = data["pixels"], data["shapes"], data["counts"], data["quads"]
        texts = json.loads(str(data["texts"]))
    images, p, q = [], 0, 0
    for shape, count in zip(shapes, counts):
        size = int(np.prod(shape))
        images.append(TextImage(pixels[p:p + size].reshape(shape), list(quads[q:q + count]), texts[q:q + count]))
        p, q = p + size, q + count
    return images


def write_detection_shards(out: Path, seed: int, shards: int, shard_size: int, first: int = 0, kind: str = "text") -> None:
    """Shards first..first+shards-1 of stream `seed`: shard k holds images k*shard_size onwards.
    `kind` "text": scenes, pages and page photos with every word boxed; "plates": plate crops and car
    photos with the plates' rows boxed (for the plate detector)."""
    sample = {"text": detection_sample, "plates": plate_detection_sample}[kind]
    out.mkdir(parents=True, exist_ok=True)
    for k in tqdm(range(first, first + shards), desc=f"{kind} detection shards", unit="shard"):
        path = out / f"det-{seed}-{k:04d}.npz"
        if path.exists():
            continue
        save_detection_shard([sample(seed, k * shard_size + i) for i in range(shard_size)], path)
