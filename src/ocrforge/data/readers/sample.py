"""The one sample every reader yields, and the warning a reader gives for a sample it must skip."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np


# eq=False: the generated __eq__/__hash__ would compare and hash the pixel array, which numpy refuses.
@dataclass(frozen=True, eq=False)
class Sample:
    image: np.ndarray  # (H, W, 3) uint8 RGB
    text: str
    source: str  # where it came from, e.g. "test_32x32.mat#12"; enough to find it again
    lexicon: tuple[str, ...] = ()  # per-image word list, for sets that ship one (SVT)
    boxes: tuple[tuple[float, float, float, float], ...] = ()  # (x, y, w, h) per character, where a set gives them


class SkippedSampleWarning(UserWarning):
    """One sample of a set could not be read (missing, corrupt); the reader went on with the rest."""


def skip(source: str, reason: str) -> None:
    # stacklevel=2: the warning points at the reader that skipped, not at this helper.
    warnings.warn(f"skipped {source}: {reason}", SkippedSampleWarning, stacklevel=2)
