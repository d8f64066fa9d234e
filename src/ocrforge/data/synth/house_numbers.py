"""Synthetic house numbers for multi-digit recognisers (DRAM, Ba et al. 2015), looking like SVHN's
full-number photos: a 1-5 digit number painted on a wall or on a plaque, cut loosely around it and
scaled to 64x128, the scene (not black bars) filling what the number does not.

Every image is drawn straight at its output size: glyphs are rasterised once per face at a large size
and cached, then scaled, laid out and warped with OpenCV, so one core makes several hundred a second.
Deterministic per (seed, index); `split` picks the train or holdout font faces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ocrforge.data.synth.background import background, lowfreq
from ocrforge.data.synth.degrade import degrade
from ocrforge.data.synth.fonts import FontFace, load_faces
from ocrforge.data.synth.render import load_font

Rng = np.random.Generator

HOUSE_SIZE = (64, 128)  # (height, width) of every output image
DIGIT_COUNT_P = (0.10, 0.25, 0.35, 0.20, 0.10)  # P(1 digit) .. P(5 digits)
HEIGHT_RANGE = (0.30, 0.85)  # the tallest digit's ink, as a fraction of the image height
CLEAN_FRACTION = 0.2  # images with no degradation and no perspective
GLYPH_SIZE = 80  # font size glyphs are rasterised at once, then scaled (digits' ink ~55 px)
MAX_DIGITS = len(DIGIT_COUNT_P)

_H, _W = HOUSE_SIZE
_YY, _XX = np.mgrid[0:_H, 0:_W].astype(np.float32)
_LETTERS = "ABCDEFGHKLMNPRSTVWabcdehnorst"  # for cut-off neighbours and small print


@dataclass(frozen=True)
class HouseNumber:
    image: np.ndarray  # (64, 128, 3) uint8 RGB
    digits: str  # "1".."99999": 1-5 digits, no leading zero
    boxes: tuple[tuple[float, float, float, float], ...]  # (x, y, w, h) of each digit's ink in output pixels, left to right


# ---------------------------------------------------------------- faces and glyphs

# Faces that would draw no usable digits (symbol and maths faces) or strokes too thin to survive 64 px.
NOT_HOUSE_FACE = re.compile(r"(Symbol|D050000|Math|Hairline|Thin|ExtraLight|Smallcaps)", re.IGNORECASE)
# First match wins; "regular" takes the rest. Weights: how often each kind is drawn (renormalised over
# the kinds a split has).
FACE_KINDS = (
    ("script", re.compile(r"(Script|Lobster|Kristi|dkg|Breip|femke|Isabella|Leckerli|Z003|chorus|Comic|Humor|Sketch)",
                          re.IGNORECASE), 0.10),
    ("condensed", re.compile(r"(Cond|Narrow|Bebas|Kaffeesatz|heroscn|OSP-DIN|RG2014)", re.IGNORECASE), 0.18),
    ("bold", re.compile(r"(Bold|Black|Heavy|Demi|Semibold|Gruesa)", re.IGNORECASE), 0.32),
    ("serif", re.compile(r"(Serif|Roman|Garamond|Libertine|Baskerv|Didot|Caladea|Tinos|Gentium|Charis|Slab|Bookman|C059|P052|"
                         r"STIX|OldStandard|Fanwood|Goudy|Junicode|Arapey|Quattrocento|Prociono|pagella|termes|bonum|schola|"
                         r"Accanthis|Tribun|Courier|Typewriter)", re.IGNORECASE), 0.15),
    ("regular", re.compile(r""), 0.25),
)


def _name(face: FontFace) -> str:
    return face.path.rsplit("/", 1)[-1]


@lru_cache(maxsize=4)
def house_faces(split: str = "train") -> tuple[tuple[str, float, tuple[FontFace, ...]], ...]:
    """(kind, weight, faces) for each kind of face `split` has; every face draws all ten digits."""
    faces = [f for f in load_faces(split) if set("0123456789") <= f.covered and not NOT_HOUSE_FACE.search(_name(f))]
    groups: dict[str, list[FontFace]] = {kind: [] for kind, _, _ in FACE_KINDS}
    for face in faces:
        groups[next(kind for kind, pattern, _ in FACE_KINDS if pattern.search(_name(face)))].append(face)
    kinds = tuple((kind, weight, tuple(groups[kind])) for kind, _, weight in FACE_KINDS if groups[kind])
    if not kinds:
        raise RuntimeError(f"no {split} face draws digits")
    return kinds


@dataclass(frozen=True)
class _Glyph:
    mask: np.ndarray  # (h, w) uint8 coverage, cropped to the ink, at GLYPH_SIZE
    top: float  # the ink's top edge relative to the baseline (negative: above it), GLYPH_SIZE pixels


@lru_cache(maxsize=32768)
def _glyph(path: str, char: str) -> _Glyph | None:
    """`char` in the face at GLYPH_SIZE, cut to its ink; None if the face draws nothing for it."""
    font = load_font(path, GLYPH_SIZE)
    left, top, right, bottom = font.getbbox(char, anchor="ls")
    if right <= left or bottom <= top:
        return None
    canvas = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(canvas).text((2 - left, 2 - top), char, font=font, fill=255, anchor="ls")
    mask = np.asarray(canvas)
    rows, cols = np.nonzero(mask.max(axis=1) > 24)[0], np.nonzero(mask.max(axis=0) > 24)[0]
    if len(rows) < 3 or len(cols) < 1:
        return None
    ink = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()
    ink.setflags(write=False)  # shared through the cache
    return _Glyph(ink, float(top - 2 + rows[0]))


@lru_cache(maxsize=4096)
def _digit_height(path: str) -> float | None:
    """The tallest digit's ink height at GLYPH_SIZE; None if the face lacks a digit."""
    glyphs = [_glyph(path, d) for d in "0123456789"]
    if any(g is None for g in glyphs):
        return None
    return float(max(g.mask.shape[0] for g in glyphs))


def _pick_face(rng: Rng, split: str) -> FontFace:
    """A kind of face by FACE_KINDS' weights, then a package (uniform), then one of its faces."""
    kinds = house_faces(split)
    weights = np.array([w for _, w, _ in kinds])
    for _ in range(8):
        _, _, faces = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        packages = sorted({f.package for f in faces})
        package = packages[int(rng.integers(len(packages)))]
        candidates = [f for f in faces if f.package == package]
        face = candidates[int(rng.integers(len(candidates)))]
        if _digit_height(face.path):
            return face
    return next(f for _, _, faces in kinds for f in faces if _digit_height(f.path))


def _resized(glyph: _Glyph, scale_x: float, scale_y: float) -> np.ndarray:
    h, w = glyph.mask.shape
    size = (max(1, int(round(w * scale_x))), max(1, int(round(h * scale_y))))
    shrink = size[0] < w and size[1] < h
    return cv2.resize(glyph.mask, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def _stamp(layer: np.ndarray, mask: np.ndarray, x: int, y: int) -> None:
    """Max `mask` (uint8) into `layer` (float32 0-1) at (x, y), clipped to the layer."""
    h, w = mask.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, layer.shape[1]), min(y + h, layer.shape[0])
    if x1 > x0 and y1 > y0:
        region = layer[y0:y1, x0:x1]
        np.maximum(region, mask[y0 - y : y1 - y, x0 - x : x1 - x] * np.float32(1 / 255), out=region)


# ---------------------------------------------------------------- colours

PLAQUE_COLOURS = np.float32([
    (240, 240, 235), (235, 225, 195), (25, 25, 28), (20, 40, 100), (30, 70, 150), (20, 80, 50), (190, 150, 60),
    (150, 30, 30), (120, 120, 125), (60, 65, 70), (195, 195, 200), (180, 95, 60), (110, 70, 40),
])
METAL_INKS = np.float32([(200, 160, 60), (20, 20, 22), (200, 200, 205), (245, 245, 240), (120, 80, 40)])


def _lum(colour: np.ndarray) -> float:
    return float(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2])


def _jitter(rng: Rng, colour: np.ndarray, spread: float) -> np.ndarray:
    return np.clip(colour + rng.normal(0, spread, 3), 0, 255).astype(np.float32)


def _ink(rng: Rng, ground: np.ndarray, min_contrast: float) -> np.ndarray:
    """A colour whose luminance differs from `ground`'s by at least `min_contrast`: dark on light
    grounds and light on dark ones, mostly, with some colour."""
    g = _lum(ground)
    dark = (g > 110) == (rng.random() < 0.88)
    if dark and g - min_contrast < 5:
        dark = False
    if not dark and g + min_contrast > 250:
        dark = True
    level = rng.uniform(0, max(5.0, g - min_contrast)) if dark else rng.uniform(min(250.0, g + min_contrast), 255)
    spread = 40.0 if rng.random() < 0.35 else 6.0
    return np.clip(level + rng.normal(0, spread, 3), 0, 255).astype(np.float32)


# ---------------------------------------------------------------- walls


def _wall(rng: Rng) -> np.ndarray:
    """(64, 128, 3) float32: brick, wood, clapboard siding, stucco, concrete, or a painted surface."""
    kind = rng.choice(5, p=[0.2, 0.13, 0.1, 0.3, 0.27])
    fine = rng.standard_normal((_H, _W, 1), dtype=np.float32)
    if kind == 0:  # brick: offset courses, per-brick shade, mortar joints
        bh = rng.uniform(5, 16)
        bw = bh * rng.uniform(2.0, 3.4)
        joint = max(1.0, bh * rng.uniform(0.08, 0.2))
        y = _YY + rng.uniform(0, bh)
        row = np.floor(y / bh)
        x = _XX + rng.uniform(0, bw) + (row % 2) * (bw / 2)
        col = np.floor(x / bw)
        mortar = (y - row * bh < joint) | (x - col * bw < joint)
        shades = rng.normal(0, 14, 97).astype(np.float32)[((row * 31 + col) % 97).astype(np.int64)]
        brick = _jitter(rng, np.float32([150, 70, 50]), 30)
        out = brick + shades[..., None] + fine * rng.uniform(3, 10)
        mortar_colour = _jitter(rng, np.float32([175, 170, 160]), 25)
        return np.where(mortar[..., None], mortar_colour + fine * 4, out)
    if kind == 1:  # wood: planks with grain along them and dark seams
        vertical = rng.random() < 0.4
        across, along = (_XX, _YY) if vertical else (_YY, _XX)
        plank = rng.uniform(8, 30)
        pos = across + rng.uniform(0, plank)
        index = np.floor(pos / plank)
        warp = lowfreq(rng, _H, _W, 3) * rng.uniform(2, 8)
        grain = np.sin(across * rng.uniform(0.6, 2.0) + warp + along * rng.uniform(0, 0.05))
        base = _jitter(rng, np.float32([140, 95, 55]), 25)
        shade = rng.normal(0, 12, 64).astype(np.float32)[(index % 64).astype(np.int64)]
        out = base * (1 + 0.1 * grain[..., None]) + shade[..., None] + fine * 3
        seam = (pos - index * plank) < rng.uniform(0.8, 2)
        return np.where(seam[..., None], out * 0.45, out)
    if kind == 2:  # clapboard siding: boards lit from above, shadow under each lap
        board = rng.uniform(6, 16)
        pos = (_YY + rng.uniform(0, board)) % board / board
        base = _jitter(rng, PLAQUE_COLOURS[int(rng.integers(len(PLAQUE_COLOURS)))], 25)
        light = 1.08 - 0.2 * pos - 0.35 * (pos > 0.9)
        return base * light[..., None] + fine * rng.uniform(2, 6)
    if kind == 3:  # stucco or concrete: blotches and grain
        base = _jitter(rng, np.float32(rng.choice([[215, 205, 185], [190, 190, 185], [230, 225, 210], [160, 150, 135]])), 25)
        blotch = lowfreq(rng, _H, _W, int(rng.integers(2, 8))) - 0.5
        grain = cv2.GaussianBlur(fine, (0, 0), rng.uniform(0.5, 1.2))
        return base + blotch[..., None] * rng.uniform(10, 60) + grain[..., None] * rng.uniform(8, 25)
    return background(rng, _H, _W, np.float32(rng.uniform(20, 235, 3)))  # painted: flat, gradient, texture, clutter


def _frame_lines(rng: Rng, img: np.ndarray, number: tuple[float, float, float, float]) -> None:
    """Door frames, edges and pipes: bars (with a highlight) beside, above or below the number, in place."""
    nx0, ny0, nx1, ny1 = number
    for _ in range(int(rng.integers(1, 3))):
        width = int(rng.integers(1, 8))
        colour = np.clip(img.mean(axis=(0, 1)) + rng.choice([-1, 1]) * rng.uniform(40, 110), 0, 255)
        if rng.random() < 0.7:  # vertical: a door jamb left or right of the number
            spaces = [(0, int(nx0) - 2 - width), (int(nx1) + 2, _W - width)]
            lo, hi = spaces[int(rng.integers(2))]
            if hi <= lo:
                continue
            x = int(rng.integers(lo, hi))
            img[:, x : x + width] = colour
            img[:, x + width : x + width + 1] = np.clip(colour + 60, 0, 255)
        else:  # horizontal: a lintel or a plaque's shelf above or below
            spaces = [(0, int(ny0) - 2 - width), (int(ny1) + 2, _H - width)]
            lo, hi = spaces[int(rng.integers(2))]
            if hi <= lo:
                continue
            y = int(rng.integers(lo, hi))
            img[y : y + width] = colour
            img[y + width : y + width + 1] = np.clip(colour + 60, 0, 255)


# ---------------------------------------------------------------- the number


def _digit_string(rng: Rng) -> str:
    n = int(rng.choice(MAX_DIGITS, p=DIGIT_COUNT_P)) + 1
    return str(int(rng.integers(1, 10))) + "".join(str(d) for d in rng.integers(0, 10, n - 1))


def _layout(rng: Rng, path: str, digits: str, height: float, gap: float, condense: float, jitter: float):
    """Glyph masks and where they go, at `height` px for the tallest digit: [(mask, x, y)] with the
    baseline at y=0, the first glyph's ink at x=0; `gap` and `jitter` in digit heights."""
    glyphs = [_glyph(path, d) for d in digits]
    k = height / max(g.mask.shape[0] for g in glyphs)  # old-style figures: the number's tallest, not the face's
    placed, x = [], 0.0
    for glyph in glyphs:
        size = 1.0 + rng.normal(0, 0.04) * (jitter > 0)
        mask = _resized(glyph, k * condense * size, k * size)
        y = glyph.top * k * size + rng.normal(0, jitter * height)
        placed.append((mask, int(round(x)), int(round(y))))
        x += mask.shape[1] + gap * height
    return placed


def _ring(shape: tuple[int, int], draw, inset: int, thickness: int) -> np.ndarray:
    """The band between a shape drawn `inset` px in and one drawn `inset + thickness` px in."""
    outer, inner = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
    draw(outer, inset)
    draw(inner, inset + thickness)
    return outer - inner


def _plaque_drawer(kind: int, box: tuple[int, int, int, int], radius: int):
    """A function that fills the plaque shrunk by `inset` px into a float mask (with antialiased edges)."""
    x0, y0, x1, y1 = box

    def draw(mask: np.ndarray, inset: int) -> None:
        a0, b0, a1, b1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
        if a1 <= a0 or b1 <= b0:
            return
        if kind == 2:  # oval
            centre = ((a0 + a1) // 2, (b0 + b1) // 2)
            cv2.ellipse(mask, centre, ((a1 - a0) // 2, (b1 - b0) // 2), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
            return
        r = min(max(0, radius - inset), (a1 - a0) // 2, (b1 - b0) // 2) if kind == 1 else 0
        cv2.rectangle(mask, (a0 + r, b0), (a1 - r, b1), 1.0, -1)
        cv2.rectangle(mask, (a0, b0 + r), (a1, b1 - r), 1.0, -1)
        if r:
            for cx, cy in ((a0 + r, b0 + r), (a1 - r, b0 + r), (a0 + r, b1 - r), (a1 - r, b1 - r)):
                cv2.circle(mask, (cx, cy), r, 1.0, -1, cv2.LINE_AA)

    return draw


def _over(colour: np.ndarray, alpha: np.ndarray, top_colour, top_alpha: np.ndarray) -> None:
    """Composite a layer over premultiplied (colour, alpha), in place."""
    keep = 1.0 - top_alpha
    colour *= keep[..., None]
    colour += top_alpha[..., None] * top_colour
    alpha *= keep
    alpha += top_alpha


def _foreground(rng: Rng, placed, height: float, wall_colour: np.ndarray, plaque: int, strength: float):
    """The number (and its plaque) as a premultiplied (h, w, 4) float32 layer in local pixels, the digit
    ink boxes in the same pixels, and the ink colour."""
    xs = [x for _, x, _ in placed]
    ys = [y for _, _, y in placed]
    nx0, ny0 = min(xs), min(ys)
    nx1 = max(x + m.shape[1] for m, x, _ in placed)
    ny1 = max(y + m.shape[0] for m, _, y in placed)
    pad_x = pad_y = int(np.ceil(0.15 * height)) + 2
    if plaque:
        pad_x = int(height * rng.uniform(0.2, 0.7)) + 2
        pad_y = int(height * rng.uniform(0.12, 0.45)) + 2
        if plaque == 2:  # an oval must reach past the number's corners
            pad_x += int(0.3 * (nx1 - nx0)) + int(0.2 * height)
            pad_y += int(0.25 * (ny1 - ny0))
    margin = int(0.12 * height) + 3  # room for shadows
    ox, oy = pad_x + margin - nx0, pad_y + margin - ny0
    h = ny1 - ny0 + 2 * (pad_y + margin)
    w = nx1 - nx0 + 2 * (pad_x + margin)
    ink_mask = np.zeros((h, w), np.float32)
    boxes = []
    for mask, x, y in placed:
        _stamp(ink_mask, mask, x + ox, y + oy)
        boxes.append((x + ox, y + oy, x + ox + mask.shape[1], y + oy + mask.shape[0]))
    colour = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    shift = max(1, int(round(height * rng.uniform(0.03, 0.08))))
    dx, dy = int(rng.choice([-1, 1])) * shift, shift
    if plaque:
        ground = _jitter(rng, PLAQUE_COLOURS[int(rng.integers(len(PLAQUE_COLOURS)))], 12) if rng.random() < 0.75 \
            else np.float32(rng.uniform(0, 255, 3))
        box = (margin, margin, w - margin - 1, h - margin - 1)
        draw = _plaque_drawer(plaque, box, int(height * rng.uniform(0.1, 0.4)))
        shape = np.zeros((h, w), np.float32)
        draw(shape, 0)
        if rng.random() < 0.6:  # the plaque stands off the wall
            _over(colour, alpha, 0.0, cv2.GaussianBlur(np.roll(shape, (dy, dx), (0, 1)), (0, 0), 1 + shift / 2) * 0.45)
        fill = np.broadcast_to(ground, (h, w, 3))
        if rng.random() < 0.3:  # brushed metal or enamel sheen: a soft gradient across it
            ramp = np.linspace(-1, 1, h, dtype=np.float32)[:, None, None] * rng.uniform(10, 45)
            fill = np.clip(fill + ramp, 0, 255)
        _over(colour, alpha, fill, shape)
        ink = _ink(rng, ground, rng.uniform(60, 150))
        if rng.random() < 0.6:  # an inset border line in the ink's colour
            border = _ring((h, w), draw, int(rng.integers(1, max(2, min(pad_x, pad_y) // 2))), int(rng.integers(1, 3)))
            _over(colour, alpha, ink, np.clip(border, 0, 1))
        if plaque != 2 and rng.random() < 0.5 and min(pad_x, pad_y) >= 6:  # screws in the corners
            r = max(1, int(min(pad_x, pad_y) * 0.25))
            screws = np.zeros((h, w), np.float32)
            inset = r + 2 + int(height * 0.05)
            for cx, cy in ((box[0] + inset, box[1] + inset), (box[2] - inset, box[1] + inset),
                           (box[0] + inset, box[3] - inset), (box[2] - inset, box[3] - inset)):
                cv2.circle(screws, (cx, cy), r, 1.0, -1, cv2.LINE_AA)
            _over(colour, alpha, _jitter(rng, np.float32([160, 160, 155]), 30), screws)
        raised = rng.random() < 0.2
    else:
        ink = METAL_INKS[int(rng.integers(len(METAL_INKS)))] if rng.random() < 0.4 else _ink(rng, wall_colour, rng.uniform(40, 150))
        ink = _jitter(rng, ink, 8)
        if abs(_lum(ink) - _lum(wall_colour)) < 40:  # a metal colour lost on this wall: paint it instead
            ink = _ink(rng, wall_colour, rng.uniform(60, 150))
        raised = rng.random() < 0.5  # separate metal digits throw shadows
    if raised:
        shadow = cv2.GaussianBlur(np.roll(ink_mask, (dy, dx), (0, 1)), (0, 0), 0.5 + shift / 3)
        _over(colour, alpha, 0.0, shadow * rng.uniform(0.3, 0.6))
    if rng.random() < 0.1:  # an outline in a second colour
        size = 2 * max(1, int(round(height * 0.04))) + 1
        outline = cv2.dilate(ink_mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
        _over(colour, alpha, np.float32(255) - ink, outline)
    _over(colour, alpha, ink, ink_mask * (rng.uniform(0.8, 1.0) if strength > 0 else 1.0))
    return np.dstack([colour, alpha]), boxes, ink


def _transform(rng: Rng, boxes, height: float, strength: float, tilt: float) -> tuple[np.ndarray, float]:
    """Local -> output 3x3: tilt and shear about the number's centre, perspective scaled with `strength`,
    shrunk if the number would not fit, and placed so every digit lies inside the frame; and the scale."""
    corners = _corners(boxes)
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    quad = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    centre = quad.mean(axis=0)
    angle = np.deg2rad(tilt)
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    rel = quad - centre
    rel[:, 0] -= rng.normal(0, 0.06 * strength) * rel[:, 1]  # shear: seen a little from the side
    target = rel @ rot.T + centre
    if strength > 0 and rng.random() < 0.6:  # perspective: corners pulled about
        target += rng.normal(0, 0.06 * strength * height, (4, 2)).astype(np.float32)
    m = cv2.getPerspectiveTransform(quad, target.astype(np.float32)).astype(np.float64)
    warped = _through(m, corners)
    (ex0, ey0), (ex1, ey1) = warped.min(axis=0), warped.max(axis=0)
    edge = 1.5
    scale = min(1.0, (_W - 2 * edge) / max(ex1 - ex0, 1), (_H - 2 * edge) / max(ey1 - ey0, 1))
    tx_lo, tx_hi = edge - scale * ex0, _W - edge - scale * ex1
    ty_lo, ty_hi = edge - scale * ey0, _H - edge - scale * ey1
    tx = rng.uniform(tx_lo, max(tx_lo, tx_hi))
    ty = ty_lo + (max(ty_lo, ty_hi) - ty_lo) * rng.beta(2.0, 2.0)  # loosely centred, as crops around a number are
    place = np.array([[scale, 0, tx], [0, scale, ty], [0, 0, 1]])
    return place @ m, scale


def _corners(boxes) -> np.ndarray:
    """(4 * len(boxes), 2) corners of (x0, y0, x1, y1) boxes."""
    return np.float32([[(a, b), (c, b), (c, d), (a, d)] for a, b, c, d in boxes]).reshape(-1, 2)


def _through(m: np.ndarray, points: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(1, -1, 2).astype(np.float64), m).reshape(-1, 2)


# ---------------------------------------------------------------- distractors


def _free_ground(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, _W), min(y1, _H)
    return img[y0:y1, x0:x1].mean(axis=(0, 1)) if x1 > x0 and y1 > y0 else img.mean(axis=(0, 1))


def _edge_neighbours(rng: Rng, img: np.ndarray, path: str, number: tuple[float, float, float, float], height: float) -> None:
    """A neighbouring digit or letter cut off by the left or right edge (the next number along the
    street, a street name), never touching the number itself; in place."""
    nx0, ny0, nx1, ny1 = number
    char = str(int(rng.integers(10))) if rng.random() < 0.6 else _LETTERS[int(rng.integers(len(_LETTERS)))]
    glyph = _glyph(path, char)
    ref = _digit_height(path)
    if glyph is None or not ref:
        return
    k = height * rng.uniform(0.8, 1.2) / ref
    mask = _resized(glyph, k, k)
    gh, gw = mask.shape
    gap = 0.25 * height + 2
    left_room, right_room = nx0 - gap, _W - nx1 - gap
    sides = [s for s, room in (("left", left_room), ("right", right_room)) if room >= 3]
    if not sides or gw < 4:
        return
    side = sides[int(rng.integers(len(sides)))]
    room = left_room if side == "left" else right_room
    most = min(room, 0.6 * gw)  # at most 60% of it shows: clearly cut off
    visible = int(round(rng.uniform(min(max(2.0, 0.2 * gw), most), most)))
    x = visible - gw if side == "left" else _W - visible
    y = int(round((ny0 + ny1) / 2 - gh / 2 + rng.normal(0, 0.15 * height)))
    layer = np.zeros((_H, _W), np.float32)
    _stamp(layer, mask, x, y)
    ground = _free_ground(img, x, y, x + gw, y + gh)
    ink = _ink(rng, ground, rng.uniform(50, 150))
    img *= 1 - layer[..., None]
    img += layer[..., None] * ink


def _small_print(rng: Rng, img: np.ndarray, path: str, number: tuple[float, float, float, float]) -> None:
    """A short line of small letters above or below the number (a street name, "APT", a maker's mark); in place."""
    nx0, ny0, nx1, ny1 = number
    size = rng.uniform(5, 9)  # letter height in pixels
    spaces = [(lo, hi) for lo, hi in ((1, ny0 - size - 2), (ny1 + 2, _H - size - 1)) if hi > lo]
    ref = _digit_height(path)
    if not spaces or not ref:
        return
    lo, hi = spaces[int(rng.integers(len(spaces)))]
    baseline = rng.uniform(lo, hi) + size
    word = "".join(_LETTERS[int(i)] for i in rng.integers(0, len(_LETTERS), int(rng.integers(2, 8))))
    if rng.random() < 0.7:
        word = word.upper()
    k = size / ref
    layer = np.zeros((_H, _W), np.float32)
    x = rng.uniform(-5, _W - 10)
    for char in word:
        glyph = _glyph(path, char)
        if glyph is None:
            continue
        mask = _resized(glyph, k, k)
        _stamp(layer, mask, int(x), int(round(baseline + glyph.top * k)))
        x += mask.shape[1] + size * 0.15
    ink = _ink(rng, _free_ground(img, 0, int(lo), _W, int(hi + size)), rng.uniform(50, 140))
    alpha = layer * rng.uniform(0.6, 1.0)
    img *= 1 - alpha[..., None]
    img += alpha[..., None] * ink


# ---------------------------------------------------------------- photo


def _low_light(rng: Rng, img: np.ndarray) -> np.ndarray:
    """Dusk or a street lamp: dark, tinted, grainy (sensor noise stays below the dimmed contrast)."""
    img = img * np.float32(rng.uniform(0.3, 0.6)) * rng.uniform(0.8, 1.2, 3).astype(np.float32)
    return img + rng.normal(0, rng.uniform(1, 6), img.shape[:2] + (1,)).astype(np.float32)


def house_number(seed: int, index: int, split: str = "train") -> HouseNumber:
    """One house-number photo, 64x128 RGB, with its digits and their boxes. Deterministic per (seed, index)."""
    rng = np.random.default_rng([seed, index])
    digits = _digit_string(rng)
    face = _pick_face(rng, split)
    strength = 0.0 if rng.random() < CLEAN_FRACTION else float(rng.uniform(0.15, 1.0))
    plaque = int(rng.choice(4, p=[0.4, 0.25, 0.2, 0.15]))  # none (on the wall), rectangle, rounded, oval
    tilt = float(np.clip(rng.normal(0, 5), -12, 12)) if rng.random() < 0.35 else 0.0

    height = rng.uniform(*HEIGHT_RANGE) * _H
    gap = (rng.uniform(-0.03, 0.06), rng.uniform(0.06, 0.2), rng.uniform(0.2, 0.6))[int(rng.choice(3, p=[0.25, 0.45, 0.3]))]
    condense = rng.uniform(0.75, 1.15) if rng.random() < 0.3 else 1.0
    jitter = rng.uniform(0.01, 0.05) if rng.random() < 0.2 else 0.0
    wall = _wall(rng)
    for _ in range(4):  # too wide to fit at this height: set it closer and narrower rather than smaller
        placed = _layout(rng, face.path, digits, height, gap, condense, jitter)
        layer, local_boxes, ink = _foreground(rng, placed, height, wall.mean(axis=(0, 1)), plaque, strength)
        m, scale = _transform(rng, local_boxes, height, strength, tilt)
        if height * scale >= HEIGHT_RANGE[0] * _H * 0.97:
            break
        gap, condense = min(gap, 0.1) * 0.5, condense * 0.9

    boxes_out = _through(m, _corners(local_boxes)).reshape(-1, 4, 2)
    lo = np.clip(boxes_out.min(axis=1), 0, [_W, _H])
    hi = np.clip(boxes_out.max(axis=1), 0, [_W, _H])
    number = (float(lo[:, 0].min()), float(lo[:, 1].min()), float(hi[:, 0].max()), float(hi[:, 1].max()))

    img = np.ascontiguousarray(wall, dtype=np.float32)
    if rng.random() < 0.3:
        _frame_lines(rng, img, number)
    fg = cv2.warpPerspective(layer, m, (_W, _H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    img = fg[..., :3] + img * (1 - fg[..., 3:])
    if rng.random() < 0.35:
        _edge_neighbours(rng, img, face.path if rng.random() < 0.5 else _pick_face(rng, split).path, number, height * scale)
    if rng.random() < 0.2:
        _small_print(rng, img, face.path, number)

    if strength > 0:
        if rng.random() < 0.2 * strength + 0.05:
            img = _low_light(rng, img)
            strength *= 0.6  # dark and then every other hardship too leaves nothing to read
        img = degrade(img, rng, strength, text_height=height * scale)
    boxes = tuple((float(a), float(b), float(c - a), float(d - b)) for (a, b), (c, d) in zip(lo, hi))
    return HouseNumber(np.clip(img, 0, 255).astype(np.uint8), digits, boxes)


# ---------------------------------------------------------------- shards


def save_house_number_shard(numbers: list[HouseNumber], path: Path) -> None:
    """images (N, 64, 128) uint8 grayscale, labels (N,) unicode, boxes (N, 5, 4) float32 (x, y, w, h),
    NaN past each number's last digit."""
    boxes = np.full((len(numbers), MAX_DIGITS, 4), np.nan, np.float32)
    for i, number in enumerate(numbers):
        boxes[i, : len(number.boxes)] = number.boxes
    images = np.stack([cv2.cvtColor(n.image, cv2.COLOR_RGB2GRAY) for n in numbers])
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, images=images, labels=np.array([n.digits for n in numbers], dtype=f"<U{MAX_DIGITS}"), boxes=boxes)
    tmp.rename(path)  # readers never see half a shard


def load_house_number_shard(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images (N, 64, 128) uint8, labels (N,) str, boxes (N, 5, 4) float32) as saved."""
    with np.load(path) as data:
        return data["images"], data["labels"], data["boxes"]


def write_house_number_shards(out: Path, seed: int, shards: int, shard_size: int, first: int = 0, split: str = "train") -> list[Path]:
    """Shards first..first+shards-1 of stream `seed` (shard k holds indices k*shard_size onwards) as
    house-{split}-{seed}-{k:04d}.npz; shards already on disk are kept."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(first, first + shards):
        path = out / f"house-{split}-{seed}-{k:04d}.npz"
        if not path.exists():
            save_house_number_shard([house_number(seed, k * shard_size + i, split) for i in range(shard_size)], path)
        paths.append(path)
    return paths
