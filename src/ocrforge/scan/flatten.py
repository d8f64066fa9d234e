"""From the page in a photo to a flat, evenly lit, level page image."""

from __future__ import annotations

import cv2
import numpy as np

MAX_SIDE = 2000  # scanned pages are at most this long: ~170 dpi on A4, plenty to read 8 pt print
LIGHT_SCALE = 8  # the lighting is estimated on a copy this many times smaller: light changes slowly
INK_LEVEL = 128.0  # the darkest print (1st percentile) is mapped to black, when it is darker than this
MAX_SKEW = 5.0  # degrees: the outline already levelled the page, only a small tilt of the print is left
PROFILE_SIDE = 1000  # the skew is measured on a copy this big


def rectify(image: np.ndarray, corners: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """The quadrilateral `corners` (clockwise from top-left) warped to an upright rectangle.

    Its size is the mean length of opposite sides (the photo's own resolution, no upscaling),
    shrunk to `max_side` when longer.
    """
    tl, tr, br, bl = np.asarray(corners, np.float32)
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    scale = min(1.0, max_side / max(width, height))
    w, h = max(1, int(round(width * scale))), max(1, int(round(height * scale)))
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(np.float32([tl, tr, br, bl]), target)
    return cv2.warpPerspective(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def flatten_light(image: np.ndarray) -> np.ndarray:
    """Shading, shadows and a colour cast divided away, the paper made white and the print dark.

    The paper's colour under the light is what is left once the print is closed away (a closing
    fills anything darker and smaller than the kernel), estimated per channel on a small copy.
    """
    h, w = image.shape[:2]
    small = cv2.resize(image, (max(1, w // LIGHT_SCALE), max(1, h // LIGHT_SCALE)), interpolation=cv2.INTER_AREA)
    # 9 px here is ~70 px on the page: wider than any stroke, so headings are closed away too.
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    paper = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (0, 0), 1.5)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = image.astype(np.float32) * 255.0 / np.maximum(paper, 1.0)
    # Faded or dimly lit print is stretched down to black; a page with (almost) no print is not
    # stretched past INK_LEVEL, so its paper grain stays faint.
    ink = min(float(np.percentile(flat[::4, ::4].min(axis=2), 1)), INK_LEVEL)  # every 16th pixel is plenty
    return np.clip((flat - ink) * 255.0 / (255.0 - ink), 0, 255).astype(np.uint8)


def skew_angle(image: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The tilt of the text lines in degrees (positive: they fall to the right, as the image y axis
    points down), found as the angle whose row profile of dark pixels is the most peaked."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, PROFILE_SIDE / max(gray.shape))
    gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) < 100:
        return 0.0
    xs, ys = xs - gray.shape[1] / 2, ys - gray.shape[0] / 2

    def peakedness(angle: float) -> float:
        rad = np.deg2rad(angle)
        rows = np.round(ys * np.cos(rad) - xs * np.sin(rad)).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        return float((profile.astype(np.float64) ** 2).sum())

    # Coarse steps over the whole range, then fine ones around the best.
    best = max(np.arange(-max_angle, max_angle + 1e-6, 0.5), key=peakedness)
    return float(max(np.arange(best - 0.5, best + 0.5 + 1e-6, 0.05), key=peakedness))


def deskew(image: np.ndarray, max_angle: float = MAX_SKEW) -> np.ndarray:
    """The image turned so its text lines run level; tilts under 0.1° are left alone (not worth the blur)."""
    angle = skew_angle(image, max_angle)
    if abs(angle) < 0.1:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def binarize(image: np.ndarray) -> np.ndarray:
    """Black print on white (H, W) uint8, by a threshold that follows the local background."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    block = max(15, (max(gray.shape) // 40) | 1)  # odd, a few text lines tall
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)
