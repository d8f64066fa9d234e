"""Plates on real streets: training images for the plate detector with real appearance in them.

A plate (a real labelled crop whose row was boxed beforehand, or a synthetic one) is laid into a real
photo in perspective, lit like the spot it lands on, with real words beside it as a car's badge, a dealer's
sticker or a shop sign would stand: only the plate's rows are boxed, so the detector learns real clutter
and neighbouring print as background and the plate's edges as the row's ends. The photo's own words are
painted out first (without_text): scene-text photos are full of signs that look like plates, and a
detector taught that all of them are background learns to pass real plates over too.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocrforge.data.synth.degrade import defocus, jpeg, motion_blur, noise
from ocrforge.data.synth.fonts import FontFace
from ocrforge.data.synth.plates import STYLES, draw_plate, plate_text, quad_through, tilted_corners, weather
from ocrforge.data.synth.scenes import TextImage
from ocrforge.detect.geometry import rectangle

Rng = np.random.Generator

PHOTO_SIDES = (480, 1280)  # longer side of the written photo: phone and dashboard pictures, downscaled
PLATE_WIDTH_SHARE = (0.07, 0.3)  # of the photo's width, log-uniform: a car across the street to one in front


@dataclass
class PlateCut:
    pixels: np.ndarray  # (H, W, 3) uint8 RGB: the plate, perhaps with a little around it
    rows: list[tuple[str, np.ndarray]]  # each row's text and box (4 corners, cut pixels)


def synthetic_cut(rng: Rng, faces: tuple[FontFace, ...]) -> PlateCut:
    """A synthetic plate face-on with dirt, glare or night on it (any style of data.synth.plates)."""
    style = STYLES[int(rng.integers(len(STYLES)))]
    face = faces[int(rng.integers(len(faces)))]
    plate = draw_plate(rng, style, face, plate_text(rng, style), height=int(rng.integers(60, 140)))
    return PlateCut(weather(plate.image, rng).astype(np.uint8), plate.rows)


def without_text(photo: np.ndarray, quads: list[np.ndarray]) -> np.ndarray:
    """`photo` with the words boxed by `quads` painted over from their surroundings."""
    mask = np.zeros(photo.shape[:2], np.uint8)
    for quad in quads:
        cv2.fillPoly(mask, [np.round(quad).astype(np.int32)], 255)
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    return cv2.inpaint(photo, mask, 5, cv2.INPAINT_TELEA)


def _lay(photo: np.ndarray, piece: np.ndarray, corners: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """`piece` warped onto `corners` of `photo` (float32), its pixels scaled by `gain`, edges feathered."""
    h, w = piece.shape[:2]
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners.astype(np.float32))
    size = (photo.shape[1], photo.shape[0])
    warped = cv2.warpPerspective(piece.astype(np.float32) * gain, m, size, flags=cv2.INTER_AREA)
    inside = cv2.warpPerspective(np.ones((h, w), np.float32), m, size, flags=cv2.INTER_LINEAR)
    inside = cv2.GaussianBlur(inside, (0, 0), 0.8)[..., None]
    return photo * (1 - inside) + warped * inside


def _light(photo: np.ndarray, centre: np.ndarray, reach: float, rng: Rng) -> np.ndarray:
    """A gain that lights a piece like the photo around `centre`: its brightness and colour cast, softened."""
    x, y = int(np.clip(centre[0], 0, photo.shape[1] - 1)), int(np.clip(centre[1], 0, photo.shape[0] - 1))
    r = max(4, int(reach))
    around = photo[max(0, y - r):y + r, max(0, x - r):x + r].reshape(-1, 3).mean(axis=0)
    cast = (around + 60) / (around.mean() + 60)  # the colour of the light, mostly kept neutral
    level = (around.mean() / 128) ** 0.5 * rng.uniform(0.8, 1.2)
    return np.float32(np.clip(cast * level, 0.25, 1.6))


def plate_scene(rng: Rng, photo: np.ndarray, cut: PlateCut, neighbours: list[np.ndarray]) -> TextImage:
    """`cut` laid into `photo` (RGB, any size) at a random place, size and angle, with up to two of
    `neighbours` (word crops) beside it; the photo scaled so its longer side is within PHOTO_SIDES and
    blurred, noised and compressed as cameras do. Boxed: the plate's rows only."""
    side = np.exp(rng.uniform(*np.log(PHOTO_SIDES)))
    scale = side / max(photo.shape[:2])
    image = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    image = image.astype(np.float32)
    height, width = image.shape[:2]
    ch, cw = cut.pixels.shape[:2]
    plate_w = width * np.exp(rng.uniform(*np.log(PLATE_WIDTH_SHARE)))
    size = plate_w / cw
    corners = tilted_corners(rng, cw, ch, 35.0) * size
    span = corners.max(axis=0) - corners.min(axis=0)
    centre = np.float32([rng.uniform(span[0] / 2, max(span[0] / 2 + 1, width - span[0] / 2)),
                         rng.uniform(span[1] / 2, max(span[1] / 2 + 1, height - span[1] / 2))])
    corners = corners + centre
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), corners.astype(np.float32))
    plate_h = ch * size
    for word in neighbours[:2]:  # a badge or sticker beside the plate, or a sign behind it
        wh = plate_h * rng.uniform(0.25, 0.9)
        ww = word.shape[1] * wh / word.shape[0]
        side_of = 1 if rng.random() < 0.5 else -1
        gap = plate_h * rng.uniform(0.1, 0.8)
        cx = centre[0] + side_of * (span[0] / 2 + gap + ww / 2)
        cy = centre[1] + plate_h * rng.normal(0, 0.4)
        box = rectangle(cx - ww / 2, cy - wh / 2, cx + ww / 2, cy + wh / 2)
        image = _lay(image, word, box, _light(image, np.float32([cx, cy]), wh, rng))
    image = _lay(image, cut.pixels, corners, _light(image, centre, plate_h, rng))
    if rng.random() < 0.3:
        image = motion_blur(image, rng, int(rng.integers(3, max(4, int(plate_h / 8)))))
    elif rng.random() < 0.3:
        image = defocus(image, rng, rng.uniform(0.5, max(0.6, plate_h / 40)))
    if rng.random() < 0.5:
        image = noise(image, rng)
    image = jpeg(image, rng, (30, 95))
    quads = [quad_through(m, q) for _, q in cut.rows]
    return TextImage(np.clip(image, 0, 255).astype(np.uint8), quads, [t for t, _ in cut.rows])
