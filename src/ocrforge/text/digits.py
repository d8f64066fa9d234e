"""Decoding a digit-sequence model's steps (DRAM): a digit per step until the end class."""

from __future__ import annotations

import numpy as np

END = 10  # the class after 0-9: the number has ended


def decode_steps(probs: np.ndarray) -> tuple[str, float]:
    """(steps, 11) class probabilities -> the digits before the first END, and their joint confidence."""
    digits, confidence = [], 1.0
    for step in probs:
        best = int(step.argmax())
        confidence *= float(step[best])
        if best == END:
            break
        digits.append(str(best))
    return "".join(digits), confidence
