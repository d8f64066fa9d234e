"""Training crops of whole images: a window at a random scale, the words in it, the cut ones marked ignore."""

from __future__ import annotations

import cv2
import numpy as np
from shapely.geometry import Polygon, box

from ocrforge.data.synth.scenes import TextImage


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
    dont_care = [(q - [x0, y0]) * scale for q in item.ignore]
    return crop, *words_in_window(quads, dont_care, size)


def words_in_window(quads: list[np.ndarray], dont_care: list[np.ndarray], size: int) -> tuple[list[np.ndarray], list[bool]]:
    """The boxes that reach into the size x size window, each marked ignore if the window cuts it or
    it was a don't-care region to begin with."""
    window = box(0, 0, size, size)
    kept, ignore = [], []
    for quad, cared in [(q, True) for q in quads] + [(q, False) for q in dont_care]:
        polygon = Polygon(quad)
        if not polygon.is_valid or polygon.area <= 0:
            continue
        inside = polygon.intersection(window).area / polygon.area
        if inside > 0:
            kept.append(quad.astype(np.float32))
            ignore.append(inside < 0.95 or not cared)
    return kept, ignore
