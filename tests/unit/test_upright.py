"""Crops that stand on end, or hold a word aslant or on an arch, are read the way they read surest."""

from dataclasses import replace

import cv2
import numpy as np

from ocrforge.data.synth.recipe import CLEAN, sample
from ocrforge.eval.metrics import alnum_fold
from ocrforge.runtime.recognizers import load_recognizer
from ocrforge.runtime.upright import UNSURE, detector_for, recognize_upright, views

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


def _aslant(image: np.ndarray, degrees: float) -> np.ndarray:
    """The crop turned by `degrees` inside the axis-aligned box around it, as ICDAR 2015's tilted words are cut."""
    height, width = image.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    box_w, box_h = int(height * sin + width * cos), int(height * cos + width * sin)
    turn[:, 2] += [box_w / 2 - width / 2, box_h / 2 - height / 2]
    return cv2.warpAffine(image, turn, (box_w, box_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def test_words_aslant_are_read_again_straightened_and_sure_readings_kept():
    recognizer = load_recognizer("crnn", threads=1)
    words = [(image, text) for image, text in (sample(SEED, i, CLEAN) for i in range(60)) if len(text) >= 5][:16]
    aslant = [_aslant(image, angle) for (image, _), angle in zip(words, [25, -25, 30, -30] * 4)]
    truth = [alnum_fold(text) for _, text in words]

    def right(readings) -> int:
        return sum(alnum_fold(r.text) == t for r, t in zip(readings, truth))

    detector = detector_for("crnn")
    assert detector is not None and detector_for("handwriting") is None  # handwritten lines are read as they are
    as_read = right(recognize_upright(recognizer, aslant))
    assert right(recognize_upright(recognizer, aslant, detector=detector)) >= as_read + 4
    level = [image for image, _ in words]
    sure = [r.text for r in recognize_upright(recognizer, level) if r.confidence >= UNSURE]
    assert sure and sure == [r.text for r in recognize_upright(recognizer, level, detector=detector) if r.confidence >= UNSURE]


def test_words_on_an_arch_are_read_again_along_their_curve():
    recognizer = load_recognizer("crnn", threads=1)
    on_arch = replace(CLEAN, arched_fraction=1.0, vocabulary="dictionary")
    words = [(image, text) for image, text in (sample(SEED + 1, i, on_arch) for i in range(60)) if len(text) >= 5][:16]
    truth = [alnum_fold(text) for _, text in words]

    def right(readings) -> int:
        return sum(alnum_fold(r.text) == t for r, t in zip(readings, truth))

    arches = [image for image, _ in words]
    as_read = right(recognize_upright(recognizer, arches))
    assert right(recognize_upright(recognizer, arches, detector=detector_for("crnn"))) >= as_read + 4
