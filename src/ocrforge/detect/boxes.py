"""From a text probability map to word quadrilaterals: the DB post-processing, numpy and OpenCV only."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocrforge.detect.geometry import offset_polygon, order_quad


@dataclass(frozen=True)
class BoxParams:
    # Defaults chosen by benchmarks/detector_params.py on the synthetic validation images (holdout fonts).
    bin_thresh: float = 0.4  # probability above which a map pixel is text
    box_thresh: float = 0.6  # mean probability a region needs to be kept
    unclip_ratio: float = 1.3  # how far the shrunk text kernel is grown back out
    min_size: float = 2.0  # map pixels: shorter regions are noise
    max_boxes: int = 3000


def unclip(box: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow a box by A * ratio / L pixels, undoing the kernel shrink of training."""
    area = abs(cv2.contourArea(box))
    length = cv2.arcLength(box, True)
    if length == 0:
        return None
    return offset_polygon(box, area * ratio / length)


def _mean_inside(prob: np.ndarray, contour: np.ndarray) -> float:
    x0, y0 = np.maximum(np.floor(contour.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(contour.max(axis=0)).astype(int), [prob.shape[1] - 1, prob.shape[0] - 1])
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(mask, [np.round(contour - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0])


def boxes_from_prob(prob: np.ndarray, params: BoxParams = BoxParams()) -> tuple[list[np.ndarray], list[float]]:
    """Quads (in map pixels, clockwise from top-left) and their scores from an (H, W) probability map."""
    bitmap = (prob > params.bin_thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads, scores = [], []
    for contour in contours[: params.max_boxes]:
        contour = contour.reshape(-1, 2).astype(np.float32)
        if len(contour) < 3 or min(cv2.minAreaRect(contour)[1]) < params.min_size:
            continue
        score = _mean_inside(prob, contour)
        if score < params.box_thresh:
            continue
        grown = unclip(cv2.boxPoints(cv2.minAreaRect(contour)), params.unclip_ratio)
        if grown is None:
            continue
        rect = cv2.minAreaRect(grown)
        if min(rect[1]) < params.min_size + 2:
            continue
        quads.append(order_quad(cv2.boxPoints(rect)))
        scores.append(score)
    return quads, scores
