"""Long text lines cut at word spaces into pieces an attention decoder can follow.

An attention decoder learned mostly from words and short lines; across a long line its attention
drifts, skipping or repeating words. Read in pieces cut at the widest spaces, each no longer than
the lines it learned from, the same line reads as well as its words.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_PIECE = 12.0  # crop heights: a longer crop is cut (about 20 characters of text)
MIN_SPACE = 0.2  # crop heights of ink-free columns: a narrower gap is between letters, not words


def _spaces(crop: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of columns without ink, wide enough to be a word space, inside the text."""
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on dark: the ink is the minority side
        ink = 1 - ink
    blank = np.concatenate([[0], ink.sum(axis=0) == 0, [0]]).astype(np.int8)
    starts, ends = np.flatnonzero(np.diff(blank) == 1), np.flatnonzero(np.diff(blank) == -1)
    runs = [(a, b) for a, b in zip(starts, ends) if b < crop.shape[1]]  # one that runs to the last column is the right margin
    min_width = MIN_SPACE * crop.shape[0]
    return [(a, b) for a, b in runs if b - a >= min_width and a > 0]  # from column 0: the margin


def line_pieces(crop: np.ndarray) -> list[np.ndarray]:
    """`crop` (a prepared gray line, H x W) as pieces of at most MAX_PIECE heights, cut in the middle
    of the widest space each time; a crop that is short enough, or has no space to cut at, is one piece."""
    height, width = crop.shape
    limit = int(MAX_PIECE * height)
    if width <= limit:
        return [crop]
    spaces = _spaces(crop)
    pieces, start = [], 0
    while width - start > limit:
        # The widest space in the second half of the window, so no piece comes out very short.
        window = [(b - a, (a + b) // 2) for a, b in spaces if start + limit // 2 < (a + b) // 2 <= start + limit]
        if not window:
            break
        cut = max(window)[1]
        pieces.append(crop[:, start:cut])
        start = cut
    pieces.append(crop[:, start:])
    return pieces
