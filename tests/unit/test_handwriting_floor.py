"""The shipped handwriting recognizer on real handwritten lines by hands it never trained on
(tests/data/handwriting_val): a ceiling on its character error rate, and far under that of the recognizer
for print, which reads these lines as it reads any crop."""

from pathlib import Path

import pytest

from ocrforge.data.readers import open_dataset
from ocrforge.eval.metrics import score
from ocrforge.runtime.recognizers import load_recognizer

LINES = Path(__file__).resolve().parents[1] / "data" / "handwriting_val" / "htr_testaments"
CEILING = 0.20  # the shipped model (2026-12-07): 15.3%; the model for print: 66.2%


def _cer(model: str) -> float:
    recognizer = load_recognizer(model)
    samples = list(open_dataset(f"folder:{LINES}"))
    assert len(samples) == 40
    read = recognizer.recognize_prepared([recognizer.prepare(s.image) for s in samples])
    return score([r.text for r in read], [s.text for s in samples]).cer


@pytest.fixture(scope="module")
def handwriting_cer() -> float:
    return _cer("handwriting")


def test_handwritten_lines_read_under_the_ceiling(handwriting_cer):
    assert handwriting_cer <= CEILING


def test_the_handwriting_model_reads_them_far_better_than_the_print_model(handwriting_cer):
    assert handwriting_cer < 0.6 * _cer("crnn")
