"""Drawing where a recurrent attention model looked: each glimpse's retina boxes, numbered in order."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ocrforge.pipeline.visualize import label_font

SHOW_SIDE = 320  # the drawing's shorter side in pixels: small model inputs are blown up to be seen


def _path_colour(order: int, count: int) -> tuple[int, int, int]:
    """From yellow (first glimpse) to red (last), so the order reads at a glance."""
    t = order / max(1, count - 1)
    return (255, int(220 * (1 - t)), int(40 * (1 - t)))


def draw_glimpses(image: np.ndarray, centres: np.ndarray, patch: float, scales: int, caption: str = "") -> np.ndarray:
    """`image` (H, W) or (H, W, 3) uint8 with the glimpse path drawn over it: for glimpse k at centre
    (x, y) in image pixels, its `scales` retina squares (patch, 2*patch, ... pixels wide), the
    smallest solid; a line joins the centres in order, each numbered. Returns an RGB uint8 drawing."""
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image[..., :3]
    zoom = max(1.0, SHOW_SIDE / min(rgb.shape[:2]))
    canvas = Image.fromarray(rgb).resize((round(rgb.shape[1] * zoom), round(rgb.shape[0] * zoom)), Image.NEAREST)
    draw = ImageDraw.Draw(canvas)
    font = label_font(max(12, round(SHOW_SIDE / 18)))
    points = [(float(x) * zoom, float(y) * zoom) for x, y in centres]
    if len(points) > 1:
        draw.line(points, fill=(0, 200, 255), width=2)
    for k, (x, y) in enumerate(points):
        colour = _path_colour(k, len(points))
        for s in range(scales):
            half = patch * 2**s * zoom / 2
            draw.rectangle([x - half, y - half, x + half, y + half], outline=colour, width=3 if s == 0 else 1)
        draw.text((x + 3, y + 2), str(k + 1), fill=colour, font=font, stroke_width=2, stroke_fill=(0, 0, 0))
    if caption:
        draw.text((6, 4), caption, fill=(255, 255, 255), font=font, stroke_width=2, stroke_fill=(0, 0, 0))
    return np.asarray(canvas).copy()
