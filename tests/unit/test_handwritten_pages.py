"""Handwritten pages read a line at a time: each line's words placed along its box, and the shipped line
detector with the handwriting recognizer finding most of the transcribed words of real pages by hands they
never trained on (tests/data/handwriting_pages), far more than the models for print."""

from pathlib import Path

import numpy as np
import pytest

from ocrforge.data.readers.boxes import read_line_boxes
from ocrforge.eval.detection import MatchScore
from ocrforge.eval.pages import bag_of_words
from ocrforge.pipeline.ocr import OCR, words_along
from ocrforge.results import Word

PAGES = Path(__file__).resolve().parents[1] / "data" / "handwriting_pages"
RECALL_FLOOR = 0.40  # the shipped models (2026-12-07): 50.5% of the 186 words; the models for print: 1.6%


def test_a_line_read_whole_becomes_its_words_along_its_box():
    line = Word("Je  lègue tout", 0.8, np.float32([[0, 0], [140, 0], [140, 20], [0, 20]]), 0.9)
    words = words_along(line)
    assert [w.text for w in words] == ["Je", "lègue", "tout"]
    assert [tuple(w.box[[0, 1], 0]) for w in words] == [(0, 20), (40, 90), (100, 140)]  # 10 px a character
    assert all(w.confidence == 0.8 and w.detection_score == 0.9 for w in words)
    assert all((w.box[:, 1] == line.box[:, 1]).all() for w in words)


def _recall(ocr: OCR) -> float:
    total = MatchScore()
    for page in read_line_boxes(PAGES):
        total.add(bag_of_words(ocr.read(page.image_path).text.split(), " ".join(page.texts).split()))
    return total.recall


@pytest.fixture(scope="module")
def handwriting_recall() -> float:
    return _recall(OCR(handwriting=True))


def test_handwritten_pages_give_most_of_their_words(handwriting_recall):
    assert handwriting_recall >= RECALL_FLOOR


def test_the_handwriting_models_find_far_more_than_those_for_print(handwriting_recall):
    assert handwriting_recall > 3 * _recall(OCR())
