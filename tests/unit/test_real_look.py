"""The synthetic engine's real look: colours measured on real crops, cut as real word boxes are."""

from dataclasses import replace

import cv2
import numpy as np

from ocrforge.data.synth import SynthRecipe, sample
from ocrforge.data.synth.real_colours import MIN_LUMA_GAP, ground_and_ink, luma, table


def test_ground_and_ink_of_a_sign_and_the_shipped_table():
    sign = np.full((40, 160, 3), (200, 30, 30), np.uint8)  # white letters on a red sign
    cv2.putText(sign, "EXIT", (10, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (250, 250, 250), 3)
    ground, ink = ground_and_ink(sign)
    assert np.abs(ground - (200, 30, 30)).max() < 30 and np.abs(ink - (250, 250, 250)).max() < 30

    pairs = table()
    assert pairs.shape[1:] == (2, 3) and len(pairs) >= 200
    gaps = np.array([luma(ink) - luma(ground) for ground, ink in pairs])
    assert (np.abs(gaps) >= MIN_LUMA_GAP - 1).all()
    assert 0.4 < (gaps > 0).mean() < 0.9  # real signs are light on dark about as often as not


def _look(recipe: SynthRecipe, n: int = 40) -> tuple[float, float]:
    """Share of light-on-dark crops, and how much of a crop's height its text fills, on average."""
    light_on_dark, fill = [], []
    for i in range(n):
        image, _ = sample(21, i, recipe)
        ground, ink = ground_and_ink(image)
        light_on_dark.append(luma(ink) > luma(ground))
        _, binary = cv2.threshold(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        rows = np.nonzero(((binary > 0) == light_on_dark[-1]).mean(axis=1) > 0.02)[0]
        fill.append((rows[-1] - rows[0] + 1) / image.shape[0] if len(rows) else 0.0)
    return float(np.mean(light_on_dark)), float(np.mean(fill))


def test_real_look_crops_are_coloured_and_cut_as_real_ones():
    plain = SynthRecipe(line_fraction=0.0)
    real = replace(plain, real_look=1.0)
    plain_polarity, plain_fill = _look(plain)
    real_polarity, real_fill = _look(real)
    assert plain_polarity < 0.3 and real_polarity > 0.5
    assert real_fill > plain_fill + 0.08  # tight on the ink, as word boxes are drawn
    image, text = sample(21, 3, real)
    again, same_text = sample(21, 3, real)
    assert text == same_text and np.array_equal(image, again)
