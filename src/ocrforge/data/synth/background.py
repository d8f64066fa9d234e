"""Backgrounds for rendered text: flat, gradient, noise, procedural texture, clutter."""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator


def lowfreq(rng: Rng, h: int, w: int, cells: int) -> np.ndarray:
    """Smooth random field in [0, 1]: a few random cells blown up with cubic interpolation."""
    small = rng.random((max(2, cells * h // max(w, 1) + 2), cells + 2)).astype(np.float32)
    return np.clip(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), 0, 1)


def background(rng: Rng, h: int, w: int, color: np.ndarray) -> np.ndarray:
    """An (h, w, 3) float32 image in [0, 255] around the base `color`."""
    base = np.broadcast_to(color.astype(np.float32), (h, w, 3)).copy()
    kind = rng.choice(["flat", "gradient", "noise", "texture", "clutter"], p=[0.35, 0.2, 0.15, 0.2, 0.1])
    if kind == "gradient":
        direction = rng.uniform(0, 2 * np.pi)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ramp = (np.cos(direction) * xx / max(w, 1) + np.sin(direction) * yy / max(h, 1))
        base += (ramp[..., None] * rng.uniform(-70, 70, size=3)).astype(np.float32)
    elif kind == "noise":
        base += rng.normal(0, rng.uniform(4, 20), size=(h, w, 1)).astype(np.float32)
    elif kind == "texture":
        field = lowfreq(rng, h, w, int(rng.integers(2, 12))) - 0.5
        grain = lowfreq(rng, h, w, int(rng.integers(20, 60))) - 0.5
        base += (field[..., None] * rng.uniform(20, 90) + grain[..., None] * rng.uniform(0, 40))
        if rng.random() < 0.3:  # ruled or striped paper
            period = int(rng.integers(4, 30))
            stripes = ((np.arange(h if rng.random() < 0.6 else w) % period) == 0).astype(np.float32)
            stripes = stripes[:, None] if stripes.shape[0] == h else stripes[None, :]
            base -= (stripes[..., None] * rng.uniform(15, 60))
    elif kind == "clutter":
        layer = np.zeros((h, w), np.float32)
        for _ in range(int(rng.integers(2, 8))):
            p1 = (int(rng.integers(-w // 4, w + w // 4)), int(rng.integers(-h // 2, h + h // 2)))
            p2 = (int(rng.integers(-w // 4, w + w // 4)), int(rng.integers(-h // 2, h + h // 2)))
            value = float(rng.uniform(-1, 1))
            if rng.random() < 0.5:
                cv2.line(layer, p1, p2, value, int(rng.integers(1, 4)))
            else:
                cv2.rectangle(layer, p1, p2, value, int(rng.integers(-1, 3)))
        layer = cv2.GaussianBlur(layer, (0, 0), rng.uniform(0.5, 3))
        base += layer[..., None] * rng.uniform(20, 70, size=3).astype(np.float32)
    return np.clip(base, 0, 255)
