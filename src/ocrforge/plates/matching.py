"""Comparing plates: separators and case never matter; the look-alike characters a reader confuses
(O/0, I/1, B/8, S/5, Z/2 ...) cost less than other substitutions."""

from __future__ import annotations

import re

# Pairs a plate reader (or a person) confuses; substituting one for the other costs CONFUSION_COST.
CONFUSABLE = ("O0", "D0", "Q0", "OQ", "DO", "I1", "L1", "IL", "T1", "B8", "S5", "Z2", "G6", "A4", "E3", "U0", "UV", "Y7", "MN", "KX")
CONFUSION_COST = 0.3
_PAIRS = {frozenset(pair) for pair in CONFUSABLE}


def normalise(plate: str) -> str:
    """The characters that identify a plate: letters and digits, upper case."""
    return re.sub(r"[^A-Z0-9]", "", plate.upper())


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return CONFUSION_COST if frozenset((a, b)) in _PAIRS else 1.0


def plate_distance(a: str, b: str) -> float:
    """Edit distance between two plates after `normalise`, look-alike substitutions at CONFUSION_COST."""
    a, b = normalise(a), normalise(b)
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, start=1):
        current = [float(i)]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1.0, current[j - 1] + 1.0, previous[j - 1] + _substitution(ca, cb)))
        previous = current
    return previous[-1]
