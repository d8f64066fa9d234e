"""MNIST-style digit images for the recurrent attention model: augmented training digits, and the
translated and cluttered 60x60 tasks of Mnih et al. (2014), all made from 28x28 white-on-black digits."""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

SIDE = 28
VARIANTS = ("centred", "translated", "cluttered")
VARIANT_SIZE = {"centred": SIDE, "translated": 60, "cluttered": 60}
CLUTTER_PIECES, CLUTTER_SIDE = 4, 8  # the paper's 60x60 cluttered task: four 8x8 fragments of other digits


def load_digits(samples: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Reader samples (28x28 digit crops) -> (N, 28, 28) uint8 images and (N,) int64 labels."""
    images, labels = [], []
    for s in samples:
        gray = s.image[..., 0] if s.image.ndim == 3 else s.image
        if gray.shape != (SIDE, SIDE):
            raise ValueError(f"{s.source}: expected a {SIDE}x{SIDE} digit, got {gray.shape}")
        images.append(gray)
        labels.append(int(s.text))
    return np.stack(images), np.array(labels, dtype=np.int64)


def elastic_affine(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plausible other writing of the same digit: small rotation, scale, shear and shift, then an
    elastic distortion (Simard et al. 2003: a smoothed random displacement field)."""
    angle = rng.uniform(-12, 12)
    scale = rng.uniform(0.88, 1.12)
    matrix = cv2.getRotationMatrix2D((SIDE / 2, SIDE / 2), angle, scale)
    matrix[0, 1] += rng.uniform(-0.15, 0.15)  # shear
    matrix[:, 2] += rng.uniform(-2.0, 2.0, size=2)
    out = cv2.warpAffine(digit, matrix, (SIDE, SIDE), flags=cv2.INTER_LINEAR, borderValue=0)
    if rng.random() < 0.7:
        alpha, sigma = rng.uniform(20, 36), 4.0
        dx = cv2.GaussianBlur(rng.uniform(-1, 1, (SIDE, SIDE)).astype(np.float32), (0, 0), sigma) * alpha
        dy = cv2.GaussianBlur(rng.uniform(-1, 1, (SIDE, SIDE)).astype(np.float32), (0, 0), sigma) * alpha
        xs, ys = np.meshgrid(np.arange(SIDE, dtype=np.float32), np.arange(SIDE, dtype=np.float32))
        out = cv2.remap(out, xs + dx, ys + dy, cv2.INTER_LINEAR, borderValue=0)
    return out


def place(digit: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """The digit pasted at a uniformly random position in a size x size black canvas."""
    canvas = np.zeros((size, size), np.uint8)
    y, x = rng.integers(0, size - SIDE + 1, size=2)
    canvas[y : y + SIDE, x : x + SIDE] = digit
    return canvas


def clutter(canvas: np.ndarray, others: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Adds fragments of other digits (8x8 pieces at random places) under the real digit's strokes."""
    size = canvas.shape[0]
    out = canvas.copy()
    for _ in range(CLUTTER_PIECES):
        source = others[rng.integers(len(others))]
        sy, sx = rng.integers(0, SIDE - CLUTTER_SIDE + 1, size=2)
        y, x = rng.integers(0, size - CLUTTER_SIDE + 1, size=2)
        region = out[y : y + CLUTTER_SIDE, x : x + CLUTTER_SIDE]
        np.maximum(region, source[sy : sy + CLUTTER_SIDE, sx : sx + CLUTTER_SIDE], out=region)
    return out


def make_variant(digit: np.ndarray, variant: str, rng: np.random.Generator, pool: np.ndarray) -> np.ndarray:
    """One digit as the `variant` task shows it; `pool` supplies the clutter fragments."""
    if variant == "centred":
        return digit
    canvas = place(digit, rng, VARIANT_SIZE[variant])
    return clutter(canvas, pool, rng) if variant == "cluttered" else canvas


def variant_set(images: np.ndarray, variant: str, seed: int) -> np.ndarray:
    """A whole set in one variant, fixed by `seed` (how the translated/cluttered test sets are made)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
    rng = np.random.default_rng(seed)
    return np.stack([make_variant(d, variant, rng, images) for d in images])


def training_batch(images: np.ndarray, labels: np.ndarray, variant: str, batch_size: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A freshly augmented random batch: (B, 1, S, S) float32 pixels in 0..255 and (B,) labels."""
    picks = rng.integers(0, len(images), size=batch_size)
    batch = [make_variant(elastic_affine(images[i], rng), variant, rng, images) for i in picks]
    return np.stack(batch)[:, None].astype(np.float32), labels[picks]
