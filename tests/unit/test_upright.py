"""Crops that stand on end are read in the orientation they read surest in."""

import numpy as np

from ocrforge.data.synth.recipe import CLEAN, sample
from ocrforge.eval.metrics import alnum_fold
from ocrforge.runtime.recognizers import load_recognizer
from ocrforge.runtime.upright import recognize_upright, views

SEED = 64  # never a training seed (those are >= 100)


def test_only_a_tall_crop_is_also_looked_at_turned():
    assert len(views(np.zeros((32, 100), np.uint8))) == 1
    tall = np.arange(60 * 20, dtype=np.uint8).reshape(60, 20)
    as_is, clockwise, anticlockwise = views(tall)
    assert as_is is tall and clockwise.shape == anticlockwise.shape == (20, 60)
    assert clockwise[0, 0] == tall[-1, 0] and anticlockwise[0, 0] == tall[0, -1]


def test_words_turned_on_end_are_read_upright_and_level_words_as_before():
    recognizer = load_recognizer("crnn", threads=1)
    words = [(image, text) for image, text in (sample(SEED, i, CLEAN) for i in range(40)) if len(text) >= 4][:12]
    level = [image for image, _ in words]
    turned = [np.rot90(image, k) for k, image in zip([1, -1] * 6, level)]  # each reads either way up
    truth = [alnum_fold(text) for _, text in words]

    def right(readings) -> int:
        return sum(alnum_fold(r.text) == t for r, t in zip(readings, truth))

    as_read = right(recognizer.recognize(level))
    assert right(recognize_upright(recognizer, level)) == as_read  # level crops: one view, the same readings
    assert right(recognizer.recognize(turned)) <= 1
    assert right(recognize_upright(recognizer, turned)) >= as_read - 1
