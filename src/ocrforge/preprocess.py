"""The geometry every recognizer input goes through, in training and at run time alike: text crops
(CRNN, Attention-OCR) and house-number photos (DRAM)."""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

INPUT_HEIGHT = 32
MIN_WIDTH = 16
DIGIT_MARGIN = 0.3  # a real house number is cut out with this share of its digits' joint box around it


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


def house_input(image: np.ndarray, height: int = 64, width: int = 128) -> np.ndarray:
    """Any photo of a house number -> the (height, width) uint8 grayscale the model reads: scaled to fit
    (aspect kept), the rest filled by repeating the border, then a 1-99 percentile contrast stretch."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    scale = min(height / gray.shape[0], width / gray.shape[1])
    h, w = max(1, round(gray.shape[0] * scale)), max(1, round(gray.shape[1] * scale))
    small = cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (height - h) // 2, (width - w) // 2
    framed = cv2.copyMakeBorder(small, top, height - h - top, left, width - w - left, cv2.BORDER_REPLICATE)
    low, high = np.percentile(framed, (1, 99))
    stretched = (framed.astype(np.float32) - low) * (255.0 / max(high - low, 1.0))
    return np.clip(stretched, 0, 255).astype(np.uint8)


def cut_around_digits(image: np.ndarray, boxes: np.ndarray, height: int = 64, width: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """A photo and its digits' (x, y, w, h) boxes -> the (height, width) grayscale cut around them (their
    joint box grown by DIGIT_MARGIN, widened to the model's aspect, the border repeated where it runs off
    the photo), and the boxes in the cut's pixels. How SVHN's full numbers are read (Goodfellow et al. 2014)."""
    b = np.asarray(boxes, np.float32).reshape(-1, 4)
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = (b[:, 0] + b[:, 2]).max(), (b[:, 1] + b[:, 3]).max()
    side = max((y1 - y0) * (1 + DIGIT_MARGIN), (x1 - x0) * (1 + DIGIT_MARGIN) * height / width, 1.0)
    scale = height / side
    matrix = np.array([[scale, 0, width / 2 - (x0 + x1) / 2 * scale], [0, scale, height / 2 - (y0 + y1) / 2 * scale]], np.float32)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    cut = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    moved = np.concatenate([b[:, :2] * scale + matrix[:, 2], b[:, 2:] * scale], axis=1)
    return cut, moved
