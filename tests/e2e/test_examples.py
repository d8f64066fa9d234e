"""The README's first command reads the bundled example photos: `ocrforge read examples/photos` gives, for each
image, the text it shows (examples/expected.json, written with the images by scripts/make_examples.py), and
`ocrforge plate` reads the car's plate. Floors, not exact strings: the shipped models may improve or change."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((ROOT / "examples" / "expected.json").read_text())
# Measured with the shipped CRNN and DBNet when the examples were made: similarity 97-100, 97-100% of words on every image.
MIN_SIMILARITY = 85.0  # rapidfuzz token_sort_ratio (0-100) of the whole read text to the expected text
MIN_WORDS_FOUND = 0.8  # share of the expected words read exactly (case and inner punctuation kept)
MAX_PLATE_EDITS = 1  # characters of the plate wrong, missing or extra (spaces aside)


def _ocrforge(*args: str) -> list[dict]:
    run = subprocess.run([sys.executable, "-m", "ocrforge", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def _words(text: str) -> Counter:
    """Words without the punctuation around them ("Member," -> "Member"); lone dashes drop out."""
    return Counter(w for w in (re.sub(r"^\W+|\W+$", "", w) for w in text.split()) if w)


@pytest.fixture(scope="module")
def read() -> dict[str, str]:
    """File name -> text, as `ocrforge read examples/photos` gives it (in JSON, to tell the images apart)."""
    return {Path(r["path"]).name: r["text"] for r in _ocrforge("read", "examples/photos", "--format", "json")}


@pytest.mark.slow
def test_every_example_photo_is_read(read):
    assert sorted(read) == sorted(EXPECTED["read"])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED["read"]))
def test_example_photo_reads_as_the_text_it_shows(read, name):
    want, got = EXPECTED["read"][name], read.get(name, "")
    # Token order is left out: a sign's lines may come in another reading order and still be right.
    similarity = fuzz.token_sort_ratio(" ".join(got.split()), " ".join(want.split()))
    expected_words = _words(want)
    found = sum((expected_words & _words(got)).values())
    report = f"{name}: similarity {similarity:.1f}, {found}/{sum(expected_words.values())} words; read:\n{got}"
    assert similarity >= MIN_SIMILARITY, report
    assert found >= int(MIN_WORDS_FOUND * sum(expected_words.values())), report


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED["plate"]))
def test_example_car_plate_is_read(name):
    [record] = _ocrforge("plate", f"examples/photos/{name}", "--best")
    got, want = record["plate"].replace(" ", ""), EXPECTED["plate"][name].replace(" ", "")
    report = f"{name}: read {record['plate']!r}, shows {EXPECTED['plate'][name]!r}"
    assert Levenshtein.distance(got, want) <= MAX_PLATE_EDITS, report
