"""Cut word crops out of whole images: axis-aligned boxes clamped to the image, quadrilaterals warped upright."""

from __future__ import annotations

import cv2
import numpy as np


def crop_box(image: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
    """image[y0:y1, x0:x1] with the box clamped to the image; None when nothing of it lies inside."""
    height, width = image.shape[:2]
    left, top = max(0, int(round(x0))), max(0, int(round(y0)))
    right, bottom = min(width, int(round(x1))), min(height, int(round(y1)))
    if right <= left or bottom <= top:
        return None
    return np.ascontiguousarray(image[top:bottom, left:right])


def warp_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    """The (4, 2) quad, corners clockwise from top-left, warped to an upright rectangle; None if degenerate."""
    quad = quad.astype(np.float32)
    # The longer of each pair of opposite sides, so a perspective-shrunk side is not what sets the size.
    width = int(round(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))))
    height = int(round(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))))
    if width < 1 or height < 1:
        return None
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
