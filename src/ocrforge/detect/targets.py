"""Training targets of a Differentiable Binarization detector (Liao et al. 2020), from word boxes.

The probability map is 1 on each word's box shrunk by D = A (1 - r^2) / L (area A, perimeter L,
r = 0.4); the threshold map rises from 0.3 to 0.7 towards the box border within D of it. Boxes
too small to shrink, or cut by the crop, are masked out of the loss rather than taught as background.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocrforge.detect.geometry import offset_polygon, shrink_distance

SHRINK_RATIO = 0.4
THRESH_MIN, THRESH_MAX = 0.3, 0.7


@dataclass
class DBTargets:
    prob: np.ndarray  # (H, W) float32: 1 inside shrunk boxes
    prob_mask: np.ndarray  # (H, W) float32: 0 where the loss ignores the pixel
    thresh: np.ndarray  # (H, W) float32: the threshold map to learn
    thresh_mask: np.ndarray  # (H, W) float32: 1 within D of a box border


def _distance_to_border(xs: np.ndarray, ys: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Distance from each (x, y) grid point to the nearest edge of `polygon`."""
    best = np.full(xs.shape, np.inf, np.float32)
    for a, b in zip(polygon, np.roll(polygon, -1, axis=0)):
        ab = b - a
        t = np.clip(((xs - a[0]) * ab[0] + (ys - a[1]) * ab[1]) / max(float(ab @ ab), 1e-6), 0, 1)
        best = np.minimum(best, np.hypot(xs - a[0] - t * ab[0], ys - a[1] - t * ab[1]))
    return best


def db_targets(quads: list[np.ndarray], ignore: list[bool], shape: tuple[int, int], min_size: float = 2.0) -> DBTargets:
    """Targets for an image of `shape` (H, W); `quads` in that image's pixels."""
    h, w = shape
    prob = np.zeros(shape, np.float32)
    prob_mask = np.ones(shape, np.float32)
    thresh = np.zeros(shape, np.float32)
    thresh_mask = np.zeros(shape, np.float32)
    for quad, skip in zip(quads, ignore):
        points = np.round(quad).astype(np.int32)
        short_side = min(np.linalg.norm(quad[1] - quad[2]), np.linalg.norm(quad[0] - quad[1]))
        distance = shrink_distance(quad, SHRINK_RATIO)
        shrunk = None if skip or short_side < min_size else offset_polygon(quad, -distance)
        if shrunk is None or len(shrunk) < 3:
            cv2.fillPoly(prob_mask, [points], 0.0)
            continue
        cv2.fillPoly(prob, [np.round(shrunk).astype(np.int32)], 1.0)
        grown = offset_polygon(quad, distance)
        if grown is None:
            continue
        cv2.fillPoly(thresh_mask, [np.round(grown).astype(np.int32)], 1.0)
        x0, y0 = np.maximum(np.floor(grown.min(axis=0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(grown.max(axis=0)).astype(int), [w - 1, h - 1])
        if x1 < x0 or y1 < y0:
            continue
        ys, xs = np.mgrid[y0:y1 + 1, x0:x1 + 1].astype(np.float32)
        closeness = 1 - np.clip(_distance_to_border(xs, ys, quad) / max(distance, 1e-6), 0, 1)
        thresh[y0:y1 + 1, x0:x1 + 1] = np.maximum(thresh[y0:y1 + 1, x0:x1 + 1], closeness)
    thresh = thresh * (THRESH_MAX - THRESH_MIN) + THRESH_MIN
    return DBTargets(prob, prob_mask, thresh, thresh_mask)
