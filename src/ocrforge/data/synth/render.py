"""Render a string with a font face into a realistic RGB word or line crop."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrforge.data.synth import real_colours
from ocrforge.data.synth import text as text_gen
from ocrforge.data.synth.background import background
from ocrforge.data.synth.degrade import degrade, jpeg
from ocrforge.data.synth.fonts import FontFace

Rng = np.random.Generator

# A real_look crop: JPEG-compressed as most phone photos are, at what cameras and web images use.
CAMERA_JPEG_SHARE = 0.7
CAMERA_JPEG_QUALITIES = (30, 96)  # [low, high)
MIN_REAL_LOOK_WARP = 0.3  # even a clean real_look crop is seen at a slight angle


@lru_cache(maxsize=512)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _colours(rng: Rng, min_contrast: float) -> tuple[np.ndarray, np.ndarray]:
    """Background and text colour whose luminances differ by at least `min_contrast`."""
    while True:
        bg_l, fg_l = rng.uniform(0, 255, 2)
        if rng.random() < 0.7:  # dark text on a light ground is the common case
            bg_l, fg_l = max(bg_l, fg_l), min(bg_l, fg_l)
        if abs(bg_l - fg_l) >= min_contrast:
            break
    colourful = rng.random() < 0.35
    spread = 45.0 if colourful else 6.0
    bg = np.clip(bg_l + rng.normal(0, spread, 3), 0, 255)
    fg = np.clip(fg_l + rng.normal(0, spread, 3), 0, 255)
    return bg.astype(np.float32), fg.astype(np.float32)


def _draw_mask(text: str, font: ImageFont.FreeTypeFont, rng: Rng, pad: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """White-on-black text mask, and the box (x0, y0, x1, y1) of the line's ascent/descent."""
    ascent, descent = font.getmetrics()
    tracking = rng.uniform(-0.05, 0.35) * font.size if rng.random() < 0.15 else 0.0
    advances = [font.getlength(c) + tracking for c in text] if tracking else None
    width = int(np.ceil(sum(advances) if advances else font.getlength(text))) + 1
    canvas = Image.new("L", (width + 2 * pad, ascent + descent + 2 * pad), 0)
    draw = ImageDraw.Draw(canvas)
    stroke = int(rng.integers(1, 3)) if rng.random() < 0.08 and font.size > 24 else 0
    if advances:
        x = float(pad)
        for c, advance in zip(text, advances):
            draw.text((x, pad), c, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
            x += advance
    else:
        draw.text((pad, pad), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    return np.asarray(canvas, dtype=np.float32), (pad, pad, pad + width, pad + ascent + descent)


def _draw_neighbours(shape: tuple[int, int], font: ImageFont.FreeTypeFont, rng: Rng, box: tuple[int, int, int, int]) -> np.ndarray:
    """Parts of the lines above/below and the words either side, as crops cut from a page or receipt show them."""
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(canvas)
    x0, y0, x1, y1 = box
    line_h = y1 - y0

    def filler(n_words: int) -> str:
        # Letters and digits only: every face covers them.
        return " ".join("".join(c for c in text_gen.dictionary_word(rng) if c.isalnum()) or "x" for _ in range(n_words))

    if rng.random() < 0.7:
        for direction in (-1, 1):
            if rng.random() < 0.6:
                y = y0 + direction * line_h * rng.uniform(0.75, 1.2)
                draw.text((x0 + rng.uniform(-2, 2) * line_h, y), filler(int(rng.integers(2, 8))), font=font, fill=255)
    else:
        gap = font.getlength(" ") * rng.uniform(0.8, 2.0)
        left = filler(1)
        draw.text((x0 - gap - font.getlength(left), y0), left, font=font, fill=255)
        draw.text((x1 + gap, y0), filler(1), font=font, fill=255)
    return np.asarray(canvas, dtype=np.float32)


def _curve(mask: np.ndarray, rng: Rng, amount: float) -> np.ndarray:
    """Bend the baseline along a sine (labels on bottles, warped paper)."""
    h, w = mask.shape[:2]
    xx = np.arange(w, dtype=np.float32)
    amplitude = rng.uniform(0.03, 0.15) * amount * h
    shift = amplitude * np.sin(2 * np.pi * xx / rng.uniform(0.7, 2.5) / max(w, 1) + rng.uniform(0, 2 * np.pi))
    map_x = np.broadcast_to(xx, (h, w)).astype(np.float32)
    map_y = (np.arange(h, dtype=np.float32)[:, None] + shift[None, :]).astype(np.float32)
    return cv2.remap(mask, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)


def arch(mask: np.ndarray, rng: Rng, smile: bool | None = None) -> np.ndarray:
    """Set the text along a circular arc spanning 40-130°, bulging up (a shop sign, a stamp's top)
    or down (a smile, a bottle label's bottom); glyphs turn with the arc, as they do in print."""
    if smile is None:
        smile = bool(rng.random() < 0.4)
    if smile:  # a smile is an arch of the upside-down mask, turned back
        return arch(mask[::-1], rng, smile=False)[::-1].copy()
    h, w = mask.shape[:2]
    span = np.deg2rad(rng.uniform(40, 130))
    radius = max(w / span, h)  # the text's middle line, so its length is kept
    outer, inner = radius + h / 2, radius - h / 2
    margin = 2
    out_w = int(np.ceil(2 * outer * np.sin(min(span / 2, np.pi / 2)))) + 2 * margin
    out_h = int(np.ceil(outer - inner * np.cos(min(span / 2, np.pi / 2)))) + 2 * margin
    cx, cy = out_w / 2, margin + outer
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    dx, dy = xx - cx, yy - cy
    r = np.sqrt(dx * dx + dy * dy)
    phi = np.arctan2(dx, -dy)  # 0 straight up from the centre, positive to the right
    map_x = (w / 2 + radius * phi).astype(np.float32)
    map_y = (h / 2 + (radius - r)).astype(np.float32)
    return cv2.remap(mask, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)


def _warp(mask: np.ndarray, box: tuple[int, int, int, int], rng: Rng, amount: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate, shear and tilt in perspective; returns the warped mask and the warped box corners."""
    x0, y0, x1, y1 = box
    corners = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    h_text = y1 - y0
    # Long lines tilt less: a few degrees would make a long line's crop several text-heights tall,
    # and scaled to 32 px its letters would be too small to read. Cap the tilt at ~0.6 text heights.
    max_tilt = np.arctan(0.6 * h_text / max(x1 - x0, 1))
    angle = np.clip(np.deg2rad(rng.normal(0, 2 + 6 * amount)), -max_tilt, max_tilt)
    shear = rng.normal(0, 0.12 * amount)
    jitter = rng.normal(0, 0.08 * amount * h_text, (4, 2)).astype(np.float32)
    centre = corners.mean(axis=0)
    rel = corners - centre
    rel[:, 0] += shear * -rel[:, 1]
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = rel @ rot.T + centre + jitter
    # Output canvas: the warped text box plus a margin. Bounding the whole source canvas instead
    # can send far corners past the horizon of a strong perspective (an unbounded image).
    margin = h_text
    offset = margin - target.min(axis=0)
    size = np.ceil(target.max(axis=0) + offset + margin).astype(int)
    if size[0] > 4 * (mask.shape[1] + mask.shape[0]) or size[1] > 4 * mask.shape[0]:
        return mask, corners
    m = cv2.getPerspectiveTransform(corners, target + offset)
    out = cv2.warpPerspective(mask, m, (int(size[0]), int(size[1])), flags=cv2.INTER_LINEAR, borderValue=0)
    return out, target + offset


def _crop_window(mask: np.ndarray, corners: np.ndarray, rng: Rng, tight: bool = False) -> tuple[int, int, int, int]:
    """Where to cut: tight on the ink (as word boxes are drawn) or on the line's ascent/descent, plus margins.
    `tight`: on the ink with the small margins of real scene-word boxes (measured on train_real: the
    text fills 0.85 of an ICDAR 2015 or SVT crop's height, with 0.07 heights either side)."""
    ink_rows = np.nonzero(mask[..., 0].max(axis=1) > 40)[0]
    ink_cols = np.nonzero(mask[..., 0].max(axis=0) > 40)[0]
    if len(ink_rows) == 0 or len(ink_cols) == 0:  # nothing drawn (a string of spaces)
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
    elif tight or rng.random() < 0.5:
        x0, x1, y0, y1 = ink_cols[0], ink_cols[-1] + 1, ink_rows[0], ink_rows[-1] + 1
    else:
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    h_crop = max(y1 - y0, 4)
    mx0, mx1 = rng.uniform(-0.03, 0.2 if tight else 0.35, 2) * h_crop
    my0, my1 = rng.uniform(-0.03 if tight else -0.02, 0.12 if tight else 0.25, 2) * h_crop
    hh, ww = mask.shape[:2]
    # Clamped to the mask, at least a pixel each way: a warp can throw the corners off it entirely.
    left, top = min(int(max(0, x0 - mx0)), ww - 1), min(int(max(0, y0 - my0)), hh - 1)
    return left, top, max(int(min(ww, x1 + mx1)), left + 1), max(int(min(hh, y1 + my1)), top + 1)


def _reshape_glyphs(mask: np.ndarray, rng: Rng, font_size: int) -> np.ndarray:
    """Vary what fonts alone do not: stroke weight (bolder or thinner) and width (condensed or extended).

    Faces never trained on differ from the trained ones mostly in these two, so the model should not
    lean on either.
    """
    if rng.random() < 0.3:
        radius = 1 if font_size < 36 else int(rng.integers(1, 3))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        mask = cv2.dilate(mask, kernel) if rng.random() < 0.6 else cv2.erode(mask, kernel)
    if rng.random() < 0.3:
        h, w = mask.shape[:2]
        mask = cv2.resize(mask, (max(1, int(w * rng.uniform(0.7, 1.3))), h), interpolation=cv2.INTER_LINEAR)
    return mask


def _paint(alpha: np.ndarray, rng: Rng, strength: float, text_height: float, real_look: bool = False) -> np.ndarray:
    """Ink of coverage `alpha` over a background, then the photo's degradations. `real_look`: colours
    measured on real crops, and JPEG at a camera's qualities."""
    h, w = alpha.shape
    bg_colour, fg_colour = real_colours.draw(rng) if real_look else _colours(rng, 120 - 60 * strength)
    ground = background(rng, h, w, bg_colour) if strength > 0 or rng.random() < 0.3 else np.broadcast_to(bg_colour, (h, w, 3))
    ink = np.broadcast_to(fg_colour, (h, w, 3))
    if rng.random() < 0.08:  # drop shadow or outline in a third colour
        shadow = cv2.GaussianBlur(np.roll(alpha, (int(rng.integers(1, 4)), int(rng.integers(1, 4))), (0, 1)), (0, 0), 1.0)
        ground = ground * (1 - shadow[..., None]) + (255 - fg_colour) * shadow[..., None]
    out = ground * (1 - alpha[..., None]) + ink * alpha[..., None]
    if strength > 0:
        # Scaled to the text, not the crop: a crop's margins and tilt must not make blur and
        # resolution loss harsher than the letters themselves can take.
        out = degrade(out.astype(np.float32), rng, strength, text_height)
    if real_look and rng.random() < CAMERA_JPEG_SHARE:
        out = jpeg(out.astype(np.float32), rng, CAMERA_JPEG_QUALITIES)
    return out


def render_text(text: str, face: FontFace, rng: Rng, strength: float = 0.5, arched: bool = False,
                real_look: bool = False) -> np.ndarray:
    """One crop of `text` as (H, W, 3) uint8 RGB. `strength` 0 is a clean scan, 1 a bad photo;
    `arched` sets it along a circular arc; `real_look` draws what was measured to differ between the
    engine's crops and real ones: colours from real photos, a tight cut, a perspective on every crop,
    camera JPEG."""
    size = int(rng.integers(22, 52))
    font = load_font(face.path, size)
    pad = size
    mask, box = _draw_mask(text, font, rng, pad)
    # Channel 0 is the text to read, channel 1 neighbouring text that may show at the crop's edges;
    # both go through the same geometry, but only channel 0 decides where the crop is.
    neighbours = _draw_neighbours(mask.shape, font, rng, box) if rng.random() < 0.25 else np.zeros_like(mask)
    mask = np.dstack([mask, neighbours])
    if strength > 0:  # a clean scan shows the face as designed
        width_before = mask.shape[1]
        mask = _reshape_glyphs(mask, rng, size)
        if mask.shape[1] != width_before:  # the text box follows a width change
            scale = mask.shape[1] / width_before
            box = (int(box[0] * scale), box[1], int(np.ceil(box[2] * scale)), box[3])
    if arched:
        mask = arch(mask[box[1] - 2:box[3] + 2], rng)  # the line's own band: neighbours would bend off the crop
        corners = np.float32([[0, 0], [mask.shape[1], 0], [mask.shape[1], mask.shape[0]], [0, mask.shape[0]]])
    else:
        if rng.random() < 0.25 * strength:
            mask = _curve(mask, rng, strength)
        if real_look:
            mask, corners = _warp(mask, box, rng, max(strength, MIN_REAL_LOOK_WARP))
        elif strength > 0 or rng.random() < 0.5:
            mask, corners = _warp(mask, box, rng, strength)
        else:
            corners = np.float32([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]])

    x0, y0, x1, y1 = _crop_window(mask, corners, rng, tight=real_look)
    alpha = mask[y0:y1, x0:x1].max(axis=2) / 255.0 * rng.uniform(0.75, 1.0)
    out = _paint(alpha, rng, strength, box[3] - box[1], real_look)
    return np.clip(out, 0, 255).astype(np.uint8)
