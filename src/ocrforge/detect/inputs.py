"""Sizing images for the detector and mapping its boxes back to the original pixels."""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.sizes import SIZE_MULTIPLE


def resize_for_detection(image: np.ndarray, max_side: int) -> tuple[np.ndarray, tuple[float, float]]:
    """The image scaled so its longer side is at most `max_side`, both sides a multiple of 32
    (rounded, so small images are scaled up a little); returns it and the (x, y) scale applied."""
    return scale_for_detection(image, min(1.0, max_side / max(image.shape[:2])))


def scale_for_detection(image: np.ndarray, scale: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The image scaled by about `scale` (down or up), both sides rounded to a multiple of 32;
    returns it and the (x, y) scale really applied."""
    h, w = image.shape[:2]
    new_w = max(SIZE_MULTIPLE, int(round(w * scale / SIZE_MULTIPLE)) * SIZE_MULTIPLE)
    new_h = max(SIZE_MULTIPLE, int(round(h * scale / SIZE_MULTIPLE)) * SIZE_MULTIPLE)
    interpolation = cv2.INTER_AREA if new_w < w else cv2.INTER_CUBIC if scale > 1.2 else cv2.INTER_LINEAR
    return cv2.resize(image, (new_w, new_h), interpolation=interpolation), (new_w / w, new_h / h)


def to_original(quads: list[np.ndarray], map_stride: int, scale: tuple[float, float]) -> list[np.ndarray]:
    """Quads found on the probability map, in the original image's pixels."""
    factor = np.float32([map_stride / scale[0], map_stride / scale[1]])
    return [(q * factor).astype(np.float32) for q in quads]
