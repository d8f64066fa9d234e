"""Whole images with every word's box, for training and testing text detectors.

Three kinds: scenes (words and signs scattered over clutter at any scale, rotated up to
±45°), document pages (paragraphs, columns, headings, tables, small print) and phone
photos of those pages (perspective, shadows, uneven light, blur). Deterministic per
(seed, index), like the word crops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrforge.data.synth import text as text_gen
from ocrforge.data.synth.background import background
from ocrforge.data.synth.degrade import degrade
from ocrforge.data.synth.fonts import FontFace, load_faces, pick_face
from ocrforge.data.synth.render import load_font

Rng = np.random.Generator
KINDS = ("scene", "page", "photo")


@dataclass
class TextImage:
    image: np.ndarray  # (H, W, 3) uint8 RGB
    quads: list[np.ndarray]  # one (4, 2) float32 box per word, clockwise from top-left, image pixels
    texts: list[str]
    page: np.ndarray | None = None  # photos of pages: the sheet's corners (4, 2), clockwise from top-left
    ignore: list[np.ndarray] = field(default_factory=list)  # don't-care regions (real images: illegible words)


def _word_box(font: ImageFont.FreeTypeFont, x: float, y: float, word: str) -> np.ndarray:
    """Corners of the ink of `word` drawn at (x, y), as detection sets box words."""
    left, top, right, bottom = font.getbbox(word)
    return np.float32([[x + left, y + top], [x + right, y + top], [x + right, y + bottom], [x + left, y + bottom]])


def _render_line(words: list[str], font: ImageFont.FreeTypeFont, gap: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """A mask (float32, 0..1) of words set on one line `gap` pixels apart, and each word's box in it."""
    pad = font.size // 2 + 2
    widths = [font.getlength(w) for w in words]
    ascent, descent = font.getmetrics()
    canvas = Image.new("L", (int(sum(widths) + gap * (len(words) - 1)) + 2 * pad, ascent + descent + 2 * pad), 0)
    draw = ImageDraw.Draw(canvas)
    boxes, x = [], float(pad)
    for word, width in zip(words, widths):
        draw.text((x, pad), word, font=font, fill=255)
        boxes.append(_word_box(font, x, pad, word))
        x += width + gap
    return np.asarray(canvas, np.float32) / 255.0, boxes


def _transform(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float32), matrix).reshape(-1, 2)


def _contrasting(rng: Rng, under: np.ndarray, min_contrast: float = 70.0) -> np.ndarray:
    """A colour whose luminance is at least `min_contrast` away from the mean colour `under`."""
    level = float(under.mean())
    target = rng.uniform(0, max(0.0, level - min_contrast)) if level > 127 else rng.uniform(min(255.0, level + min_contrast), 255)
    return np.clip(target + rng.normal(0, 40 if rng.random() < 0.4 else 5, 3), 0, 255).astype(np.float32)


class _Canvas:
    """An image being composed, with a record of where text already is so new text never overlaps it."""

    def __init__(self, ground: np.ndarray) -> None:
        self.image = np.array(ground, dtype=np.float32, order="C")
        self.taken = np.zeros(ground.shape[:2], np.uint8)
        self.quads: list[np.ndarray] = []
        self.texts: list[str] = []

    def place(self, rng: Rng, mask: np.ndarray, boxes: list[np.ndarray], words: list[str], matrix: np.ndarray,
              colour: np.ndarray | None = None, panel: np.ndarray | None = None) -> bool:
        """Warp a line mask into the image with `matrix` (3x3); refused if it would overlap or leave the image."""
        h, w = self.taken.shape
        quads = [_transform(b, matrix) for b in boxes]
        corners = np.concatenate(quads)
        if corners.min() < 0 or corners[:, 0].max() >= w or corners[:, 1].max() >= h:
            return False
        # Work in the window the line lands in, not the whole image: pages place hundreds of lines.
        outline = _transform(np.float32([[0, 0], [mask.shape[1], 0], [mask.shape[1], mask.shape[0]], [0, mask.shape[0]]]), matrix)
        x0, y0 = np.maximum(np.floor(outline.min(axis=0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(outline.max(axis=0)).astype(int) + 1, [w, h])
        shift = np.float32([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]])
        local = shift @ matrix
        region = np.zeros((y1 - y0, x1 - x0), np.uint8)
        for quad in quads:  # the words' boxes and a 2 px rim: text may come close, never touch
            points = np.round(quad - [x0, y0]).astype(np.int32)
            cv2.fillConvexPoly(region, points, 1)
            cv2.polylines(region, [points], True, 1, thickness=5)
        if panel is not None:  # the board must not cover text placed before it
            cv2.fillConvexPoly(region, np.round(outline - [x0, y0]).astype(np.int32), 1)
        window = (slice(y0, y1), slice(x0, x1))
        if (region & self.taken[window]).any():
            return False
        self.taken[window] |= region
        image = self.image[window]
        if panel is not None:  # a sign: a board of its own colour behind the text
            board = cv2.warpPerspective(np.ones(mask.shape, np.float32), local, (x1 - x0, y1 - y0))[..., None]
            image[:] = image * (1 - board) + panel * board
        alpha = cv2.warpPerspective(mask, local, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)[..., None]
        if colour is None:
            colour = _contrasting(rng, image[region > 0])
        image[:] = image * (1 - alpha) + colour * alpha
        self.quads += quads
        self.texts += words
        return True


def _text_height(quads: list[np.ndarray]) -> float | None:
    """The typical word height: blur and resolution loss are scaled to it, so the text stays legible."""
    if not quads:
        return None
    return float(np.median([min(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[1] - q[0])) for q in quads]))


def _placement(rng: Rng, size: tuple[int, int], canvas: tuple[int, int], max_angle: float) -> np.ndarray:
    """Matrix taking a (w, h) line mask to a random spot of the canvas, rotated and a little foreshortened."""
    w, h = size
    angle = np.deg2rad(rng.uniform(-max_angle, max_angle) if rng.random() < 0.35 else rng.normal(0, 4))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]]) - np.float32([w / 2, h / 2])
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = src @ rot.T + rng.normal(0, 0.04 * h, (4, 2)).astype(np.float32)
    centre = np.float32([rng.uniform(0, canvas[0]), rng.uniform(0, canvas[1])])
    return cv2.getPerspectiveTransform(src + np.float32([w / 2, h / 2]), dst + centre)


def scene(rng: Rng, faces: tuple[FontFace, ...], width: int = 640, height: int = 640, max_angle: float = 45.0) -> TextImage:
    """Words, short phrases and signs over a cluttered ground, text 10-80 px high."""
    base = rng.uniform(0, 255, 3).astype(np.float32)
    ground = background(rng, height, width, base)
    for _ in range(int(rng.integers(0, 4))):  # extra clutter: edges and blobs that are not text
        ground = np.clip(ground + 0.6 * (background(rng, height, width, base) - base), 0, 255)
    canvas = _Canvas(ground)
    for _ in range(int(rng.integers(3, 16))):
        n_words = 1 if rng.random() < 0.5 else int(rng.integers(2, 5))
        words = [text_gen.word(rng) for _ in range(n_words)]
        face = pick_face(rng, faces, "".join(words))
        if face is None:
            continue
        size = int(np.exp(rng.uniform(np.log(12), np.log(90))))
        # Shrink the type until the phrase fits in 90% of the width: it may then turn any way it likes.
        size = max(10, min(size, int(size * 0.9 * min(width, height) / max(1.0, load_font(face.path, size).getlength(" ".join(words))))))
        font = load_font(face.path, size)
        mask, boxes = _render_line(words, font, font.getlength(" ") * rng.uniform(0.8, 2.5))
        panel = _contrasting(rng, base, 40) if rng.random() < 0.3 else None
        colour = _contrasting(rng, panel) if panel is not None else None
        for _ in range(6):  # a few spots to try before giving up on this phrase
            matrix = _placement(rng, (mask.shape[1], mask.shape[0]), (width, height), max_angle)
            if canvas.place(rng, mask, boxes, words, matrix, colour, panel):
                break
    image = degrade(canvas.image, rng, rng.uniform(0, 0.8), _text_height(canvas.quads)) if rng.random() < 0.7 else canvas.image
    return TextImage(np.clip(image, 0, 255).astype(np.uint8), canvas.quads, canvas.texts)


def _prose(rng: Rng) -> list[str]:
    """Words for a paragraph: mostly dictionary words, some numbers, codes and punctuation."""
    return [text_gen.dictionary_word(rng) if rng.random() < 0.75 else text_gen.word(rng) for _ in range(int(rng.integers(15, 120)))]


def page(rng: Rng, faces: tuple[FontFace, ...], width: int = 800, height: int = 1040) -> TextImage:
    """A printed page: headings, paragraphs in one or two columns, a table now and then, small print."""
    paper = np.float32([rng.uniform(215, 255)] * 3) + rng.normal(0, 4, 3).astype(np.float32)
    ink = np.float32([rng.uniform(0, 70)] * 3)
    ground = background(rng, height, width, paper) if rng.random() < 0.3 else np.broadcast_to(paper, (height, width, 3))
    canvas = _Canvas(ground)
    body = pick_face(rng, faces, "abcdefghijklmnopqrstuvwxyz")
    body_size = int(rng.integers(11, 26))
    margin = int(rng.uniform(0.04, 0.1) * width)
    columns = 2 if rng.random() < 0.35 else 1
    col_gap = int(rng.uniform(0.03, 0.06) * width)
    col_width = (width - 2 * margin - (columns - 1) * col_gap) // columns
    for col in range(columns):
        x0, y = margin + col * (col_width + col_gap), margin + int(rng.integers(0, 40))
        while y < height - margin:
            kind = rng.choice(["paragraph", "heading", "table"], p=[0.75, 0.15, 0.1])
            size = {"paragraph": body_size, "heading": int(body_size * rng.uniform(1.3, 2.2)), "table": body_size}[kind]
            face = body if kind == "paragraph" else pick_face(rng, faces, "abcdefghijklmnopqrstuvwxyz") or body
            font = load_font(face.path, size)
            line_h = int(size * rng.uniform(1.15, 1.6))
            words = _prose(rng) if kind == "paragraph" else [text_gen.word(rng) for _ in range(int(rng.integers(1, 7 if kind == "table" else 5)))]
            gap = font.getlength(" ") * (rng.uniform(1.0, 1.4) if kind == "paragraph" else rng.uniform(1, 1.2))
            cells = int(rng.integers(2, 5)) if kind == "table" else 1
            while words and y + line_h < height - margin:
                line = words if kind == "heading" else []
                if kind != "heading":  # fill the line up to the column width
                    while words and font.getlength(" ".join(line + words[:1])) < col_width / cells:
                        line.append(words.pop(0))
                    line = line or [words.pop(0)]
                else:
                    words = []
                mask, boxes = _render_line(line, font, gap)
                if mask.shape[1] <= col_width / cells + size:
                    for cell in range(cells):
                        shift = np.float32([[1, 0, x0 + cell * col_width / cells - size // 2 - 2], [0, 1, y - size // 2 - 2], [0, 0, 1]])
                        canvas.place(rng, mask, boxes, line, shift, ink)
                        if kind == "table":
                            cv2.rectangle(canvas.image, (int(x0 + cell * col_width / cells) - 4, y - 3),
                                          (int(x0 + (cell + 1) * col_width / cells) - 8, y + line_h - 2), ink.tolist(), 1)
                y += line_h
                if kind == "table":
                    words = [text_gen.word(rng) for _ in range(int(rng.integers(1, 4)))] if rng.random() < 0.8 else []
            y += int(line_h * rng.uniform(0.5, 1.5))
    image = degrade(canvas.image, rng, rng.uniform(0, 0.3), _text_height(canvas.quads)) if rng.random() < 0.3 else canvas.image
    return TextImage(np.clip(image, 0, 255).astype(np.uint8), canvas.quads, canvas.texts)


def photo(rng: Rng, faces: tuple[FontFace, ...], width: int = 960, height: int = 1200) -> TextImage:
    """A phone photo of a page: the page in perspective on a table, uneven light, shadow, blur, noise."""
    sheet = page(rng, faces, int(rng.integers(600, 900)), int(rng.integers(800, 1150)))
    sh, sw = sheet.image.shape[:2]
    scale = min(width / sw, height / sh) * rng.uniform(0.75, 1.0)
    half = np.float32([sw * scale / 2, sh * scale / 2])
    corners = np.float32([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
    angle = np.deg2rad(rng.normal(0, 5) if rng.random() < 0.8 else rng.uniform(-30, 30))
    rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = corners @ rot.T + rng.normal(0, 0.06, (4, 2)).astype(np.float32) * half + np.float32([width / 2, height / 2])
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), dst)
    table = background(rng, height, width, rng.uniform(30, 200, 3).astype(np.float32))
    warped = cv2.warpPerspective(sheet.image.astype(np.float32), matrix, (width, height))
    coverage = cv2.warpPerspective(np.ones((sh, sw), np.float32), matrix, (width, height))[..., None]
    image = table * (1 - coverage) + warped * coverage
    quads = [_transform(q, matrix) for q in sheet.quads]
    image = degrade(image, rng, rng.uniform(0.2, 0.7), _text_height(quads))
    return TextImage(np.clip(image, 0, 255).astype(np.uint8), quads, sheet.texts, dst)


def detection_sample(seed: int, index: int, fonts: str = "train", kind: str | None = None) -> TextImage:
    """Image number `index` of stream `seed`: a scene (50%), a page (20%) or a photo of a page (30%)."""
    rng = np.random.default_rng([seed, index])
    kind = kind or str(rng.choice(KINDS, p=[0.5, 0.2, 0.3]))
    faces = load_faces(fonts)
    return {"scene": scene, "page": page, "photo": photo}[kind](rng, faces)
