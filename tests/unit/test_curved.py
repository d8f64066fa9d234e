"""A word on an arch is cut out as a level strip along the parabola through its text region."""

import cv2
import numpy as np

from ocrforge.detect.boxes import BoxParams
from ocrforge.detect.curved import centre_parabola, unbend


def _arc(width: int, height: int, thickness: int) -> tuple[np.ndarray, np.ndarray]:
    """A map with a band along y = 0.004 (x - 100)^2 + 30 (thickness pixels), and its centre line's points."""
    xs = np.arange(20, 181)
    ys = 0.004 * (xs - 100) ** 2 + 30
    points = np.stack([xs, ys], axis=1)
    band = np.zeros((height, width), np.uint8)
    cv2.polylines(band, [np.round(points).astype(np.int32)], False, 1, thickness)
    return band, points


def test_the_centre_line_of_an_arched_band_is_found():
    band, points = _arc(200, 80, 5)
    parabola, first, last, height = centre_parabola(band)
    assert abs(first - 20) <= 3 and abs(last - 181) <= 3 and 4 <= height <= 7
    assert np.abs(np.polyval(parabola, points[:, 0]) - points[:, 1]).max() < 1.0
    assert centre_parabola(np.zeros((40, 40), bool)) is None


def test_an_arched_band_comes_out_level():
    kernel, _ = _arc(200, 80, 3)  # the detector's shrunk kernel of a word ...
    ink, _ = _arc(200, 80, 9)  # ... and the word's ink around it, in an image at twice the map's size
    image = cv2.resize(ink * 255, (400, 160), interpolation=cv2.INTER_NEAREST)
    strip = unbend(image, kernel.astype(np.float32), (2.0, 2.0), BoxParams(), margin=0.15)
    assert strip.shape[1] > 2 * 161 and strip.shape[0] < 60  # as long as the arc, about as high as the ink
    middle = strip[strip.shape[0] // 2, 10:-10]
    assert (middle == 255).all()  # the whole length of the band on one level row
    assert (strip[0] == 0).mean() > 0.9 and (strip[-1] == 0).mean() > 0.9  # background above and below
    assert unbend(image, np.zeros((80, 200), np.float32), (2.0, 2.0)) is None
