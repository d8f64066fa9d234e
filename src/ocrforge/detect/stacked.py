"""Boxes that hold two or more stacked lines, cut into one box per line.

On dense pages the text regions of neighbouring lines can touch in the detector's map, and one box
then covers both lines: its crop reads as neither, and reading order cannot place it. Such a box is
taller than the image's typical word, and the rows of ink inside it show where its lines part.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.geometry import reading_quad, upright_transform

STACKED_HEIGHT = 1.5  # typical word heights: a taller box may hold stacked lines
MIN_WORDS = 5  # fewer boxes say too little about what a typical word height is
VALLEY_INK = 0.5  # of the box's typical inked row: a row with more ink runs through letters, not between lines
MIN_GLYPH_AREA = 4  # pixels: smaller specks are noise, not letters


def split_stacked_lines(image: np.ndarray, quads: list[np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """(quad, index of the input quad it came from) for every line of every box, in input order.

    Boxes of a single line, however tall their type (a heading, a sign), come back unchanged: a cut
    needs letters no taller than a line and rows of little ink where the lines part."""
    if len(quads) < MIN_WORDS:
        return [(quad, k) for k, quad in enumerate(quads)]
    heights = np.array([upright_transform(reading_quad(quad))[2] for quad in quads])
    typical = float(np.median(heights))
    pieces = []
    for k, (quad, height) in enumerate(zip(quads, heights)):
        lines = _cut_lines(image, quad, typical) if height >= STACKED_HEIGHT * typical else [quad]
        pieces += [(line, k) for line in lines]
    return pieces


def _ink(crop: np.ndarray) -> np.ndarray:
    """1 where the crop is printed, by Otsu's threshold; the minority side is the ink (light on dark too)."""
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return 1 - ink if ink.mean() > 0.5 else ink


def _glyph_height(ink: np.ndarray) -> float:
    """Median height of the connected blobs of ink: about a letter's height."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= MIN_GLYPH_AREA]
    return float(np.median(heights)) if len(heights) else 0.0


def _cut_lines(image: np.ndarray, quad: np.ndarray, typical: float) -> list[np.ndarray]:
    """The box's lines (quads in image pixels), or the box itself when it is one line or cannot be cut."""
    matrix, width, height = upright_transform(reading_quad(quad))
    crop = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ink = _ink(crop)
    rows = ink.mean(axis=1)
    count = int(round(height / typical))
    inked = rows[rows > 0]
    if count < 2 or len(inked) == 0:
        return [quad]
    pitch = height / count
    if _glyph_height(ink) > pitch:
        return [quad]  # letters as tall as several lines: one line of big type
    level = float(np.median(inked))
    cuts = [0]
    for k in range(1, count):
        lo, hi = int(k * pitch - 0.35 * pitch), int(np.ceil(k * pitch + 0.35 * pitch))
        window = rows[lo:hi]
        least = np.flatnonzero(window <= window.min() + 1e-6)
        run = least[: 1 + int(np.argmax(np.diff(least, append=least[-1] + 2) > 1))]  # the first run of emptiest rows
        if window[run[0]] > VALLEY_INK * level:
            return [quad]  # ink runs through where the lines would part
        cuts.append(lo + int(run[len(run) // 2]))  # mid-way between the lines
    cuts.append(height)
    inverse = np.linalg.inv(matrix)
    lines = []
    for top, bottom in zip(cuts[:-1], cuts[1:]):
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        if len(columns) == 0:
            continue
        left, right = columns[0], columns[-1] + 1  # each line as wide as its own ink, not the box
        corners = np.float32([[left, top], [right, top], [right, bottom], [left, bottom]])
        lines.append(cv2.perspectiveTransform(corners[None], inverse)[0])
    return lines or [quad]
