"""The degradations of real photos, applied to a rendered RGB crop (float32, 0-255)."""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator


def motion_blur(img: np.ndarray, rng: Rng, length: int) -> np.ndarray:
    """Blur along a line of `length` pixels at any angle (hand shake, moving car)."""
    size = length if length % 2 else length + 1
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), rng.uniform(0, 180), 1.0)
    kernel = cv2.warpAffine(kernel, rot, (size, size))
    return cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))


def defocus(img: np.ndarray, rng: Rng, radius: float) -> np.ndarray:
    if rng.random() < 0.5:
        return cv2.GaussianBlur(img, (0, 0), radius)
    r = max(1, int(round(radius)))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)).astype(np.float32)
    return cv2.filter2D(img, -1, disk / disk.sum())


def uneven_light(img: np.ndarray, rng: Rng) -> np.ndarray:
    """A smooth multiplicative light field, sometimes with a hard-edged shadow."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(-0.5, 1.5) * w, rng.uniform(-0.5, 1.5) * h
    dist = np.sqrt(((xx - cx) / max(w, 1)) ** 2 + ((yy - cy) / max(h, 1)) ** 2)
    field = 1.0 - rng.uniform(0.2, 0.7) * np.clip(dist, 0, 1.5) / 1.5
    if rng.random() < 0.4:
        # A shadow edge: a half-plane darkened, edge softened by a blur.
        angle = rng.uniform(0, 2 * np.pi)
        offset = rng.uniform(0.2, 0.8)
        side = (np.cos(angle) * (xx / max(w, 1) - offset) + np.sin(angle) * (yy / max(h, 1) - 0.5)) > 0
        shadow = cv2.GaussianBlur(side.astype(np.float32), (0, 0), rng.uniform(0.5, 4))
        field *= 1.0 - rng.uniform(0.2, 0.6) * shadow
    return img * field[..., None]


def low_contrast(img: np.ndarray, rng: Rng) -> np.ndarray:
    """Squeeze the range towards a mean level, darker or lighter (bad light, faded print)."""
    scale = rng.uniform(0.35, 0.75)  # lower, and noise on top leaves nothing legible
    centre = rng.uniform(40, 200)
    return centre + (img - img.mean()) * scale


def noise(img: np.ndarray, rng: Rng) -> np.ndarray:
    if rng.random() < 0.75:
        sigma = rng.uniform(3, 18)
        return img + rng.normal(0, sigma, img.shape[:2] + (1,)).astype(np.float32) * (1 if rng.random() < 0.7 else rng.uniform(0.6, 1.4, 3).astype(np.float32))
    speckle = rng.random(img.shape[:2])
    out = img.copy()
    amount = rng.uniform(0.005, 0.04)
    out[speckle < amount / 2] = 0
    out[speckle > 1 - amount / 2] = 255
    return out


def low_resolution(img: np.ndarray, rng: Rng, text_height: float | None = None) -> np.ndarray:
    """Down to a text height of 9-18 px and back up, as a far-away or small crop."""
    h, w = img.shape[:2]
    target_h = int(rng.integers(9, 19))
    text_height = text_height or h
    if text_height <= target_h:
        return img
    scale = target_h / text_height
    small = cv2.resize(img, (max(1, int(w * scale)), max(1, int(round(h * scale)))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=rng.choice([cv2.INTER_LINEAR, cv2.INTER_NEAREST, cv2.INTER_CUBIC]))


def jpeg(img: np.ndarray, rng: Rng, qualities: tuple[int, int] = (8, 60)) -> np.ndarray:
    """Encode and decode at a quality drawn from [low, high) of `qualities` (default: the blocky end)."""
    quality = int(rng.integers(*qualities))
    ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED).astype(np.float32).reshape(img.shape) if ok else img


def degrade(img: np.ndarray, rng: Rng, strength: float, text_height: float | None = None) -> np.ndarray:
    """Apply a random subset of degradations; `strength` in [0, 1] scales how many and how hard.

    Blur and resolution loss scale with `text_height` (default: the image height, as for a word crop),
    so a whole page or scene is blurred as much as its text can take, not as much as its height allows.
    """
    h = text_height or img.shape[0]
    if rng.random() < 0.4 * strength:
        img = uneven_light(img, rng)
    if rng.random() < 0.3 * strength:
        img = low_contrast(img, rng)
    blur_roll = rng.random()
    if blur_roll < 0.25 * strength:
        img = motion_blur(img, rng, int(rng.integers(3, max(4, int(h * 0.25 * strength) + 4))))
    elif blur_roll < 0.5 * strength:
        img = defocus(img, rng, rng.uniform(0.5, max(0.6, h * 0.06 * strength)))
    if rng.random() < 0.3 * strength:
        img = low_resolution(img, rng, h)
    if rng.random() < 0.5 * strength:
        img = noise(img, rng)
    if rng.random() < 0.4 * strength:
        img = jpeg(img, rng)
    return np.clip(img, 0, 255)


def bend(img: np.ndarray, rng: Rng, amount: float, cells: int, border: int = cv2.BORDER_CONSTANT) -> np.ndarray:
    """Elastic distortion: every pixel moved by up to `amount` px along smooth random fields of about
    `cells` cells across, as a moving hand bends its strokes."""
    from ocrforge.data.synth.background import lowfreq

    h, w = img.shape[:2]
    dx, dy = ((lowfreq(rng, h, w, cells) - 0.5) * 2 * amount for _ in range(2))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return cv2.remap(img, xx + dx, yy + dy, cv2.INTER_LINEAR, borderMode=border)
