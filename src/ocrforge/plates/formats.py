"""Plate formats as a soft prior on what the plate recognizer reads.

A plate number has a shape: Brazil's old plates are three letters and four digits (ABC1234), its
Mercosur plates ABC1D23, British ones AB12CDE. Where a reading fits no known shape and one edit makes
it fit one, the fitting reading is taken if it costs less than FORMAT_BONUS nats of the recognizer's
probability. An edit is one character read as its other kind (its best letter for a digit, its best
digit for a letter: I/1, O/0, B/8, S/5, Z/2 ...), or one character dropped whose frame the recognizer
also found likely to be blank (a coat of arms, a seal or a screw read as a character). A reading is
never forced: a surely read plate of no known shape (a vanity plate, a country not listed) stays as it
was read. Shapes are written as regular expressions over L (a letter) and D (a digit).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

import numpy as np

from ocrforge.text.charset import Charset

FORMAT_BONUS = 3.0  # nats: how much less likely the recognizer may find a reading for it to be preferred for fitting a format
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


def fit_format(chars: str, probs: np.ndarray, charset: Charset, region: str = "auto") -> list[str]:
    """`chars`, the letters and digits of a plate as the recognizer read them (its best class in each
    frame), with each one's class probabilities (len(chars), C): each character as fitted to the likeliest
    reading of a known shape one edit away, when that costs less than FORMAT_BONUS nats (itself, its
    other-kind reading, or "" where it is dropped); otherwise each character as it was read."""
    as_read = list(chars)
    if region == "none" or not 0 < len(chars) <= MAX_LENGTH or len(probs) != len(chars):
        return as_read
    read_shape = "".join(map(_shape, chars))
    if read_shape in shapes(region, len(chars)):
        return as_read
    # The best letter and the best digit of each character: the read one is the best of its own kind.
    kinds = {"L": [i for i, c in enumerate(charset.chars, 1) if c.isascii() and c.isalpha()],
             "D": [i for i, c in enumerate(charset.chars, 1) if c.isdigit()]}
    best = {kind: np.array(ids)[probs[:, ids].argmax(axis=1)] for kind, ids in kinds.items()}
    logp = np.log(np.maximum(probs, 1e-12))
    read_logp = logp.max(axis=1)
    candidates: list[tuple[float, list[str]]] = []
    for i, c in enumerate(chars):
        other = "L" if _shape(c) == "D" else "D"
        flipped = read_shape[:i] + other + read_shape[i + 1 :]
        if flipped in shapes(region, len(chars)):
            text = as_read[:i] + [charset.decode([int(best[other][i])])] + as_read[i + 1 :]
            candidates.append((read_logp[i] - logp[i, best[other][i]], text))
        if read_shape[:i] + read_shape[i + 1 :] in shapes(region, len(chars) - 1):
            candidates.append((read_logp[i] - logp[i, charset.blank], as_read[:i] + [""] + as_read[i + 1 :]))
    cost, fitted = min(candidates, key=lambda candidate: candidate[0], default=(np.inf, as_read))
    return fitted if cost < FORMAT_BONUS else as_read
