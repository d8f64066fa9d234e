"""Drawing a page's words over its image: outlines coloured by confidence, the text read beside each."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrforge.results import Page, Word

# Tried in order; a bare file name makes Pillow search the system font folders.
FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")

SURE, MIDDLING = 0.9, 0.6  # confidence at or above which a word is drawn green, orange; red below
GREEN, ORANGE, RED = (40, 200, 60), (255, 150, 0), (230, 30, 30)

LABEL_SCALE = 0.6  # label font size as a fraction of the word's box height
MIN_FONT, MAX_FONT = 10, 32  # pixels: readable on tiny boxes, not shouting over big ones
PAD = 2  # pixels of background around the label text


def draw_page(image: np.ndarray, page: Page) -> np.ndarray:
    """An RGB uint8 copy of `image` with each word outlined and labelled with its text."""
    canvas = Image.fromarray(_as_rgb(image))
    draw = ImageDraw.Draw(canvas)
    width = max(2, min(5, round(min(canvas.size) / 300)))  # visible on busy photos, thin next to small words
    # every outline first, then every label, so no outline cuts through a label
    for word in page.words:
        draw.polygon([(float(x), float(y)) for x, y in _quad(word)], outline=_colour(word.confidence), width=width)
    for word in page.words:
        if word.text:
            _label(draw, word, canvas.size)
    return np.asarray(canvas).copy()


def save_visualization(image: np.ndarray, page: Page, out_dir: Path, name: str) -> Path:
    """Write the drawn page as `out_dir/<stem of name>.png` and return that path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{Path(name).stem}.png"
    Image.fromarray(draw_page(image, page)).save(path)
    return path


def _as_rgb(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {array.dtype}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return np.stack([array] * 3, axis=-1)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        return array[:, :, :3].copy()  # Pillow may share memory with its array: keep the caller's untouched
    raise ValueError(f"expected an HxW or HxWx3 image, got shape {array.shape}")


def _quad(word: Word) -> np.ndarray:
    return np.asarray(word.box, dtype=np.float64).reshape(4, 2)


def _colour(confidence: float) -> tuple[int, int, int]:
    return GREEN if confidence >= SURE else ORANGE if confidence >= MIDDLING else RED


def _label(draw: ImageDraw.ImageDraw, word: Word, size: tuple[int, int]) -> None:
    """The word's text on a filled tag above its box, or below it when the box touches the top edge."""
    quad = _quad(word)
    # box height of a rotated quad: the mean length of its two short sides
    height = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    font = label_font(int(min(MAX_FONT, max(MIN_FONT, LABEL_SCALE * height))))
    left, top, right, bottom = draw.textbbox((0, 0), word.text, font=font)
    w, h = right - left + 2 * PAD, bottom - top + 2 * PAD
    x0, y0 = quad.min(axis=0)
    y = y0 - h if y0 - h >= 0 else quad[:, 1].max()
    # keep the tag on the image; one wider than the image starts at its left edge
    x = max(0.0, min(x0, size[0] - w))
    y = max(0.0, min(y, size[1] - h))
    colour = _colour(word.confidence)
    draw.rectangle((x, y, x + w - 1, y + h - 1), fill=colour)
    draw.text((x + PAD - left, y + PAD - top), word.text, font=font, fill=_ink(colour))


def _ink(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black on light tags, white on dark ones (Rec. 601 luma)."""
    r, g, b = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 128 else (255, 255, 255)


@lru_cache(maxsize=None)
def label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default()


ATTENTION_SCALE = 2  # the prepared 32-px crop drawn twice as large, so the heatmaps are easy to see


def draw_attention(crop: np.ndarray, text: str, attention: np.ndarray, width_stride: int) -> np.ndarray:
    """Where an attention decoder looked: the prepared (grey, 32 px high) crop, then one small copy of
    it per character read, the columns it attended to in red and the character beside it."""
    gray = np.asarray(crop, np.uint8)
    height, width = gray.shape
    scale = ATTENTION_SCALE
    big = np.asarray(Image.fromarray(gray).resize((width * scale, height * scale)).convert("RGB"), np.float32)
    label_w = 4 * MIN_FONT
    rows = [big]
    for char, weights in zip(text, attention):
        # columns -> pixels: each encoder column covers `width_stride` input columns
        heat = np.repeat(weights / max(float(weights.max()), 1e-6), width_stride * scale)[: width * scale]
        heat = np.pad(heat, (0, width * scale - len(heat)))[None, :, None]
        red = big * (1 - 0.6 * heat) + np.array([255, 0, 0], np.float32) * 0.6 * heat
        rows.append(red)
    canvas = Image.new("RGB", (label_w + width * scale, (height * scale + PAD) * len(rows)), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i, row in enumerate(rows):
        y = i * (height * scale + PAD)
        canvas.paste(Image.fromarray(np.clip(row, 0, 255).astype(np.uint8)), (label_w, y))
        label = "" if i == 0 else repr(text[i - 1])[1:-1] or " "
        draw.text((PAD, y + height * scale // 4), label, font=label_font(2 * MIN_FONT), fill=(0, 0, 0))
    return np.asarray(canvas)
