"""Plate formats as a soft prior on what the plate recognizer reads.

A plate number has a shape: Brazil's old plates are three letters and four digits (ABC1234), its
Mercosur plates ABC1D23, British ones AB12CDE. Where a reading fits no known shape and one character's
other reading (its best letter for a digit, its best digit for a letter: I/1, O/0, B/8, S/5, Z/2 ...)
makes it fit one, the fitting reading is taken if it costs less than FORMAT_BONUS nats of the
recognizer's probability. A reading is never forced: a surely read plate of no known shape (a vanity
plate, a country not listed) stays as it was read. Shapes are written as regular expressions over L (a
letter) and D (a digit).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

import numpy as np

from ocrforge.text.charset import Charset

FORMAT_BONUS = 3.0  # nats: how much less likely the recognizer may find a reading for it to be preferred for fitting a format
MAX_CHANGES = 1  # characters read as the other kind (a letter for a digit, or back); a reading further off is left alone
REGIONS: dict[str, tuple[str, ...]] = {
    "br": ("LLLDDDD", "LLLDLDD"),  # old grey and red plates ABC1234; Mercosur ABC1D23
    "ar": ("LLDDDLL", "LLLDDD"),  # Mercosur AB123CD; older ABC123
    "uk": ("LLDDLLL", "LD{1,3}LLL", "LLLD{1,3}L"),  # AB12CDE since 2001; older prefix A123BCD and suffix ABC123D
    "eu": (
        "L{1,3}L{1,2}D{1,4}",  # Germany: district, letters, digits (B AB 1234); Austria and Switzerland alike
        "LLDDDLL",  # France, Italy, Slovakia
        "DLDDDDD", "DLLDDDD",  # Czechia (1A2 3456, 1AB 2345)
        "DDDDLLL",  # Spain
        "LLDDLL", "DDLLDD", "DDDDLL",  # Portugal
        "DDLLLD", "DLLLDD", "LLDDDL", "LDDDLL", "LLLDDL", "DLLDDD",  # the Netherlands
        "LLDDDDD", "LLLDDDD", "LLLDDLL", "LLLDLDD",  # Poland, Norway, Denmark
        "DLLLDDD",  # Belgium
        "LLLDDD", "LLLDDL",  # Sweden, Finland
    ),
    "us": ("LLLDDDD", "DLLLDDD", "LLLDDD", "DDDLLL", "LLDDDDD", "DDDDDD", "DDDDDDD", "LLLDLL", "DLLDDD",
           "DDDDLL", "LLDDDD", "DDDLLLL"),  # the common state serials (TX, NY, CA, FL ...)
}
REGION_NAMES = ("auto", "none", *REGIONS)  # auto: every region's formats; none: no prior
MAX_LENGTH = 10  # letters and digits on one plate


@lru_cache(maxsize=None)
def shapes(region: str, length: int) -> frozenset[str]:
    """Every L/D string of `length` that a format of `region` ("auto": of any region) allows."""
    patterns = [p for r in (REGIONS if region == "auto" else (region,)) for p in REGIONS[r]]
    allowed = re.compile("|".join(f"(?:{p})" for p in patterns))
    return frozenset(s for s in map("".join, product("LD", repeat=length)) if allowed.fullmatch(s))


def _shape(char: str) -> str:
    return "D" if char.isdigit() else "L"


def fit_format(chars: str, probs: np.ndarray, charset: Charset, region: str = "auto") -> str:
    """`chars`, the letters and digits of a plate as the recognizer read them (its best class in each
    frame), with each one's class probabilities (len(chars), C): changed to the likeliest reading of a
    known shape when that costs less than FORMAT_BONUS nats, otherwise returned as they are."""
    if region == "none" or not 0 < len(chars) <= MAX_LENGTH or len(probs) != len(chars):
        return chars
    allowed, read_shape = shapes(region, len(chars)), "".join(map(_shape, chars))
    if not allowed or read_shape in allowed:
        return chars
    # The best letter and the best digit of each character: the read one is the best of its own kind.
    kinds = {"L": [i for i, c in enumerate(charset.chars, 1) if c.isascii() and c.isalpha()],
             "D": [i for i, c in enumerate(charset.chars, 1) if c.isdigit()]}
    best = {kind: np.array(ids)[probs[:, ids].argmax(axis=1)] for kind, ids in kinds.items()}
    logp = np.log(np.maximum(probs, 1e-12))
    positions = np.arange(len(chars))

    def cost(shape: str) -> float:
        return -float(sum(logp[i, best[kind][i]] for i, kind in zip(positions, shape)))

    near = sorted(shape for shape in allowed if sum(a != b for a, b in zip(shape, read_shape)) <= MAX_CHANGES)
    if not near:
        return chars
    fitted = min(near, key=cost)
    if cost(fitted) - cost(read_shape) >= FORMAT_BONUS:
        return chars
    return "".join(c if kind == _shape(c) else charset.decode([int(best[kind][i])]) for i, (kind, c) in enumerate(zip(fitted, chars)))
