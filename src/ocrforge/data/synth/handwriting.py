"""Synthetic handwritten lines for the handwriting recognizer: French prose set letter by letter in script
and handwriting faces, each letter a little off the baseline, in size and in spacing, its accents drawn
as pen strokes; then the whole line slanted, its strokes thickened or thinned and elastically bent, in
fading ink on aged, sometimes ruled paper, cut out along the line as archives cut theirs (the outside
white), with pieces of the lines above and below.

A script face is one writer's hand at best: what these lines add to a few thousand real lines is the
variety of letter shapes, words and degradations, not a writer's ductus. Deterministic per
(seed, index); `split` picks the train or holdout faces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ocrforge.data.synth.background import lowfreq
from ocrforge.data.synth.degrade import bend, defocus, jpeg, noise
from ocrforge.data.synth.fonts import FontFace, load_faces
from ocrforge.data.synth.render import load_font
from ocrforge.text.charset import LATIN

Rng = np.random.Generator

HAND_FACE = re.compile(r"(Script|Hand|Kristi|dkg|Breip|femke|Isabella|Leckerli|Z003|chorus|Comic|Humor|Rufscript|"
                       r"Dancing|Kaushan|Lobster)", re.IGNORECASE)
FONT_SIZE = 56  # px: letters are set at about this size, the line later scaled to the recognizer's height
LINE_CHARS = (12, 48)  # a line's length in characters, as the real wills' lines run
# Accents as a hand writes them: a stroke or two over (or a hook under) the base letter, in units of
# the font size relative to the letter's top centre; (x0, y0, x1, y1) segments, dots as zero-length ones.
MARKS = {
    "\u0301": [(-0.05, -0.05, 0.08, -0.2)],  # acute
    "\u0300": [(-0.08, -0.2, 0.05, -0.05)],  # grave
    "\u0302": [(-0.1, -0.06, 0.0, -0.2), (0.0, -0.2, 0.1, -0.06)],  # circumflex
    "\u0308": [(-0.07, -0.12, -0.07, -0.12), (0.07, -0.12, 0.07, -0.12)],  # diaeresis
    "\u0327": [(0.0, 0.58, 0.04, 0.7), (0.04, 0.7, -0.05, 0.76)],  # cedilla, under the letter
}
# Typographic characters script faces seldom draw, and what a hand makes of them.
STAND_INS = {"’": "'", "‘": "'", "«": '"', "»": '"', "–": "-", "—": "-", "œ": "oe", "Œ": "OE", "°": "o"}
ELIDED = ("l", "d", "j", "qu", "n", "s", "c", "m")  # French words written l’… d’… before a vowel


@lru_cache(maxsize=2)
def hand_faces(split: str = "train") -> tuple[FontFace, ...]:
    """Script and handwriting faces of `split` that draw every ASCII letter and digit."""
    needed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.-'")
    faces = tuple(f for f in load_faces(split) if HAND_FACE.search(f.path.rsplit("/", 1)[-1]) and needed <= f.covered)
    if not faces:
        raise RuntimeError(f"no {split} handwriting face installed: run scripts/install-fonts.sh")
    return faces


@lru_cache(maxsize=1)
def french_words() -> tuple[tuple[str, ...], np.ndarray]:
    """The French words lines are made of (the handwriting charset can write them all) and the chance of each."""
    from ocrforge.text.lexicon import built_in_frequencies

    writable = set(LATIN)  # the handwriting recognizer's charset: the list also holds names like "são"
    frequencies = {w: f for w, f in built_in_frequencies("french").items()
                   if w.isalpha() and set(w) <= writable and (len(w) > 1 or w in "aày")}
    words = tuple(frequencies)
    p = np.sqrt(np.array([frequencies[w] for w in words]))  # flattened: rarer words seen more often than in prose
    return words, p / p.sum()


def french_line(rng: Rng) -> str:
    """A line of French as wills and letters run: frequent words, elisions, capitals, commas, dates, numbers."""
    words, p = french_words()
    target = int(rng.integers(*LINE_CHARS))
    parts: list[str] = []
    while sum(len(w) + 1 for w in parts) < target:
        roll = rng.random()
        if roll < 0.05:
            parts.append(str(int(rng.integers(1850, 1925))) if rng.random() < 0.5 else str(int(rng.integers(1, 100))))
            continue
        word = words[int(rng.choice(len(words), p=p))]
        if roll < 0.15 or (not parts and rng.random() < 0.4):  # names, and a sentence's start
            word = word[0].upper() + word[1:]
        if roll > 0.93 and word[0] in "aeéèiouyhAEIOUH":
            word = ELIDED[int(rng.integers(len(ELIDED)))] + "’" + word
        if rng.random() < 0.08:
            word += ","
        parts.append(word)
    if rng.random() < 0.3:
        parts[-1] += "." if rng.random() < 0.8 else rng.choice([";", ":", " -", "."])
    return unicodedata.normalize("NFC", " ".join(parts))


def _set_letters(text: str, face: FontFace, rng: Rng) -> np.ndarray:
    """The ink of `text` (float32 in [0, 1]) set letter by letter with a hand's irregularities."""
    size = FONT_SIZE
    width = int(size * (len(text) * 1.1 + 4))
    canvas = Image.new("L", (width, int(size * 2.2)), 0)
    draw = ImageDraw.Draw(canvas)
    x, baseline = size * 0.5, size * 0.4
    drift = rng.uniform(-0.012, 0.012)  # the line climbs or falls
    spacing = rng.uniform(0.82, 1.02)  # script faces' letters overlap where the pen joins them
    strokes = []
    for char in text:
        if char == " ":
            x += load_font(face.path, size).getlength(" ") * rng.uniform(0.9, 2.2)
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        shown = STAND_INS.get(base, base)
        letter_size = int(size * rng.uniform(0.9, 1.08))
        font = load_font(face.path, letter_size)
        y = baseline + drift * x + rng.normal(0, 0.025 * size) + (size - letter_size) * 0.8
        draw.text((x, y), shown, font=font, fill=255)
        advance = font.getlength(shown)
        for mark in marks:
            for x0, y0, x1, y1 in MARKS.get(mark, ()):
                top = y + size * 0.35 if base.islower() else y
                cx = x + advance * 0.5 + rng.normal(0, 0.03 * size)
                strokes.append(((cx + x0 * size, top + y0 * size), (cx + x1 * size, top + y1 * size)))
        x += advance * spacing + rng.normal(0, 0.03 * size)
    ink = np.asarray(canvas, np.float32) / 255
    thickness = max(2, int(size / 14))
    for (x0, y0), (x1, y1) in strokes:
        cv2.line(ink, (int(x0), int(y0)), (int(x1), int(y1)), 1.0, thickness, cv2.LINE_AA)
    return ink[:, : int(min(width, x + size))]


def _hand(ink: np.ndarray, rng: Rng) -> np.ndarray:
    """Slant, pen width and the small bends of a moving hand, over the whole line."""
    h, w = ink.shape
    slant = rng.uniform(-0.15, 0.45)  # most hands lean right
    shear = np.float32([[1, -slant, slant * h * 0.6], [0, 1, 0]])
    ink = cv2.warpAffine(ink, shear, (w + int(abs(slant) * h), h), flags=cv2.INTER_LINEAR)
    pen = rng.random()
    if pen < 0.3:
        ink = cv2.dilate(ink, np.ones((2, 2), np.uint8), iterations=int(rng.integers(1, 3)))
    elif pen < 0.45:
        ink = cv2.erode(ink, np.ones((2, 2), np.uint8))
    return bend(ink, rng, rng.uniform(0.5, 3.0), max(2, ink.shape[1] // 60))


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(ink > 0.3)
    return int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1


def handwritten_line(seed: int, index: int, split: str = "train") -> tuple[np.ndarray, str]:
    """Line `index` of stream `seed`: an (H, W, 3) uint8 image of a handwritten-looking line and its
    text (NFC, characters of the "latin" charset)."""
    rng = np.random.default_rng([seed, index])
    faces = hand_faces(split)
    face = faces[int(rng.integers(len(faces)))]
    text = french_line(rng)
    ink = _hand(_set_letters(text, face, rng), rng)
    top, bottom, left, right = _ink_box(ink)
    line_h = bottom - top
    # The neighbouring lines' ascenders and descenders reach into a real line's crop.
    neighbours = np.zeros_like(ink)
    for shift in (-1, 1):
        if rng.random() < 0.35:
            other = _hand(_set_letters(french_line(rng), face, rng), rng)[:, : ink.shape[1]]
            offset = int(shift * line_h * rng.uniform(0.9, 1.2))
            if abs(offset) >= ink.shape[0]:
                continue
            src = other[max(0, -offset): other.shape[0] - max(0, offset)]
            neighbours[max(0, offset): max(0, offset) + src.shape[0], : src.shape[1]] = src
    above, below, before, after = (line_h * rng.uniform(*span) for span in ((0.05, 0.3),) * 2 + ((0.0, 0.6),) * 2)
    y0, y1 = max(0, int(top - above)), min(ink.shape[0], int(bottom + below))
    x0, x1 = max(0, int(left - before)), min(ink.shape[1], int(right + after))
    ink, neighbours = ink[y0:y1, x0:x1], neighbours[y0:y1, x0:x1]
    return _on_paper(np.maximum(ink, neighbours * rng.uniform(0.6, 1.0)), ink, rng), text


def _on_paper(ink: np.ndarray, own_ink: np.ndarray, rng: Rng) -> np.ndarray:
    """Ink on aged paper, maybe ruled, maybe cut along the line with white outside, then scanned."""
    h, w = ink.shape
    paper_tone = rng.uniform(150, 235)
    paper = paper_tone + (lowfreq(rng, h, w, int(rng.integers(2, 8))) - 0.5) * rng.uniform(0, 50)
    paper += (lowfreq(rng, h, w, int(rng.integers(30, 80))) - 0.5) * rng.uniform(0, 20)  # grain
    if rng.random() < 0.25:  # ruled paper: a faint line under the writing
        y = int(h * rng.uniform(0.65, 0.9))
        cv2.line(paper, (0, y), (w, y), float(paper_tone * rng.uniform(0.7, 0.9)), 1)
    ink_tone = rng.uniform(10, min(110, paper_tone - 50))
    fade = 1 - lowfreq(rng, h, w, max(2, w // 40)) * rng.uniform(0, 0.5)  # iron-gall ink fades unevenly
    image = paper * (1 - ink * fade) + ink_tone * ink * fade
    if rng.random() < 0.5:  # cut along the line's polygon, as archives' line images are
        band = cv2.dilate((own_ink > 0.2).astype(np.uint8), np.ones((max(3, h // 3), max(3, h // 2)), np.uint8))
        band = cv2.GaussianBlur(band.astype(np.float32), (0, 0), max(1.0, h / 20))
        image = image * band + rng.uniform(235, 255) * (1 - band)
    colour = np.stack([image] * 3, axis=-1).astype(np.float32) * rng.uniform(0.92, 1.0, 3).astype(np.float32)
    if rng.random() < 0.4:
        colour = defocus(colour, rng, rng.uniform(0.5, 1.5))
    if rng.random() < 0.5:
        colour = noise(colour, rng)
    if rng.random() < 0.5:
        colour = jpeg(colour, rng, (30, 95))
    return np.clip(colour, 0, 255).astype(np.uint8)
