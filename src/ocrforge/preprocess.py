"""The one geometry every recognizer input goes through, in training and at run time alike."""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

INPUT_HEIGHT = 32
MIN_WIDTH = 16


def to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W) or (H, W, 3) uint8 RGB -> (H, W) uint8 luminance."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def resize_to_height(gray: np.ndarray, height: int = INPUT_HEIGHT, max_width: int | None = None) -> np.ndarray:
    """Scale to `height` keeping the aspect ratio (long words are not squashed)."""
    h, w = gray.shape
    width = max(MIN_WIDTH, int(round(w * height / h)))
    if max_width is not None:
        width = min(width, max_width)
    interpolation = cv2.INTER_AREA if h > height else cv2.INTER_LINEAR
    return cv2.resize(gray, (width, height), interpolation=interpolation)


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Map the 1st..99th percentile to 0..255, so faded and dim crops look like clean ones."""
    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < 1:
        return gray
    return np.clip((gray.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def prepare_crop(image: np.ndarray, height: int = INPUT_HEIGHT, max_width: int | None = None) -> np.ndarray:
    """RGB or gray crop -> (height, W) uint8, ready to batch."""
    return stretch_contrast(resize_to_height(to_gray(image), height, max_width))


def pad_batch(crops: list[np.ndarray], pad_to_multiple: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Stack (H, W_i) crops into (B, 1, H, W_max) float32, padding by repeating each crop's last column.

    Returns the batch and the true widths. Edge padding keeps the padded area looking like
    background, the same way in training and at run time.
    """
    widths = np.array([c.shape[1] for c in crops], dtype=np.int64)
    w_max = int(-(-widths.max() // pad_to_multiple) * pad_to_multiple)
    batch = np.stack([np.pad(c, ((0, 0), (0, w_max - c.shape[1])), mode="edge") for c in crops])
    return batch[:, None].astype(np.float32), widths


def batches_by_width(crops: list[np.ndarray], batch_size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(indices into crops, padded batch, true widths), narrowest crops first, so little of a batch is padding."""
    order = np.argsort([c.shape[1] for c in crops], kind="stable")
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        images, widths = pad_batch([crops[i] for i in idx])
        yield idx, images, widths
