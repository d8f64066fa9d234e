"""Word boxes cut from labelled text-line boxes of scanned print (SROIE labels receipt lines, not
words): the line's text says how many words it holds, and its ink says where the spaces are."""

from __future__ import annotations

import cv2
import numpy as np

from ocrforge.detect.geometry import rectangle

MIN_SPACE = 0.2  # a space between words is at least this many line heights wide; gaps between letters are narrower
SPACE_MARGIN = 1.25  # and at least this much wider than the widest gap taken for one between letters
CHAR_WIDTH_SPREAD = 3.0  # each word's width per character within this factor of the line's


def split_line(gray: np.ndarray, quad: np.ndarray, text: str) -> list[np.ndarray] | None:
    """The word boxes of one line (axis-aligned, the line's height), or None when the ink does not show
    its words' spaces unmistakably (the caller then leaves the line out of the training targets)."""
    words = text.split()
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, gray.shape[1]), min(y1, gray.shape[0])
    if not words or x1 - x0 < 2 or y1 - y0 < 2:
        return None
    if len(words) == 1:
        return [quad.astype(np.float32)]
    columns = _ink_columns(gray[y0:y1, x0:x1])
    cuts = _word_cuts(columns, len(words), y1 - y0)
    if cuts is None:
        return None
    spans = [(a, b) for a, b in zip([0, *cuts], [*cuts, len(columns)])]
    inked = [(a + int(np.argmax(columns[a:b])), b - int(np.argmax(columns[a:b][::-1]))) for a, b in spans]
    per_char = np.array([(b - a) / len(w) for (a, b), w in zip(inked, words)])
    if per_char.max() > CHAR_WIDTH_SPREAD * np.median(per_char) or per_char.min() < np.median(per_char) / CHAR_WIDTH_SPREAD:
        return None  # the gaps found do not fit the words' lengths: spaces in the label the print lacks, or the reverse
    return [rectangle(x0 + a, y0, x0 + b, y1) for a, b in inked]


def _ink_columns(gray: np.ndarray) -> np.ndarray:
    """Whether each column of a line crop holds ink (dark print on light paper, or the reverse)."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light print on dark: the ink is the minority class
        ink = 1 - ink
    return ink.sum(axis=0) > max(1.0, 0.04 * gray.shape[0])


def _word_cuts(columns: np.ndarray, n_words: int, height: int) -> list[int] | None:
    """Column indices (centres of the n_words - 1 widest gaps inside the ink), or None if those gaps
    are not clearly wider than the rest."""
    inked = np.flatnonzero(columns)
    if len(inked) == 0:
        return None
    gaps = []  # (width, centre) of every run of empty columns between the first and last ink
    start = None
    for x in range(inked[0], inked[-1] + 1):
        if not columns[x] and start is None:
            start = x
        elif columns[x] and start is not None:
            gaps.append((x - start, (start + x) // 2))
            start = None
    if len(gaps) < n_words - 1:
        return None
    gaps.sort(reverse=True)
    spaces, rest = gaps[:n_words - 1], gaps[n_words - 1:]
    narrowest_space = spaces[-1][0]
    widest_rest = rest[0][0] if rest else 0
    if narrowest_space < MIN_SPACE * height or narrowest_space < SPACE_MARGIN * widest_rest:
        return None
    return sorted(centre for _, centre in spaces)
