"""A word set along a curve (round a logo, over an arch) cut out as a level strip: the centre line of its
text region on the probability map is fitted with a parabola, and the band around it is sampled along
the parabola's normals. A straight word, level or tilted, is the parabola's flat case."""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.boxes import BoxParams

MIN_PART = 0.2  # text regions smaller than this share of the biggest are stray marks, not the word
SAMPLES = 400  # points along the centre line; the strip interpolates between them


def centre_parabola(mask: np.ndarray) -> tuple[np.ndarray, float, float, float] | None:
    """The parabola y(x) through the middle of the text in `mask` (map pixels, a word running left to
    right), where the text starts and ends along x, and its median height; None when there is no text."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    text = np.isin(labels, 1 + np.flatnonzero(areas >= MIN_PART * areas.max()))
    columns = np.flatnonzero(text.any(axis=0))
    if len(columns) < 3:
        return None
    rows = [np.flatnonzero(text[:, x]) for x in columns]
    tops = np.array([r[0] for r in rows], np.float64)
    bottoms = np.array([r[-1] + 1 for r in rows], np.float64)
    parabola = np.polyfit(columns + 0.5, (tops + bottoms) / 2, 2)
    return parabola, float(columns[0]), float(columns[-1] + 1), float(np.median(bottoms - tops))


def unbend(image: np.ndarray, prob: np.ndarray, map_to_image: tuple[float, float], params: BoxParams = BoxParams(),
           margin: float = 0.0) -> np.ndarray | None:
    """The text of `prob` (the detector's map of `image`, `map_to_image` image pixels per map pixel in x
    and y) cut from `image` as a level strip, grown back out from the shrunk kernel as boxes are
    (params.unclip_ratio) and by `margin` text heights on every side; None when the map holds no text."""
    found = centre_parabola(prob > params.bin_thresh)
    if found is None:
        return None
    parabola, first, last, kernel_height = found
    length = last - first
    grow = length * kernel_height * params.unclip_ratio / (2 * (length + kernel_height))  # unclip: area * ratio / perimeter
    height = kernel_height + 2 * grow
    half = height / 2 + margin * height
    xs = np.linspace(first - grow - margin * height, last + grow + margin * height, SAMPLES)
    kx, ky = map_to_image
    # The centre line in image pixels, its unit tangents, and the arc length along it.
    px, py = xs * kx, np.polyval(parabola, xs) * ky
    tx, ty = np.full_like(xs, kx), np.polyval(np.polyder(parabola), xs) * ky
    norm = np.hypot(tx, ty)
    tx, ty = tx / norm, ty / norm
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(px), np.diff(py)))])
    width, strip_height = max(1, int(round(arc[-1]))), max(1, int(round(2 * half * ky)))
    along = np.arange(width) + 0.5
    cx, cy = np.interp(along, arc, px), np.interp(along, arc, py)
    nx, ny = -np.interp(along, arc, ty), np.interp(along, arc, tx)  # the normal, pointing down on level text
    down = (np.arange(strip_height) + 0.5 - strip_height / 2)[:, None]  # (H, 1) offsets from the centre line
    map_x = (cx[None, :] + down * nx[None, :]).astype(np.float32)  # (H, W) source pixel of each strip pixel
    map_y = (cy[None, :] + down * ny[None, :]).astype(np.float32)
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
