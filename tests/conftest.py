"""Shared fixtures: small rendered sets made by the engine itself, never the evaluation data."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def fonts_available() -> bool:
    from ocrforge.data.synth.fonts import load_faces

    try:
        return bool(load_faces("train"))
    except RuntimeError:
        return False
