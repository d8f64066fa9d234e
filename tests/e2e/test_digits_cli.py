"""`ocrforge digits` and `ocrforge eval digits` end to end with the shipped models, on images the tests make."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.house_numbers import house_number
from ocrforge.data.synth.render import load_font

SEED = 61  # training streams use seeds >= 100: these numbers were never trained on
# Floors under the shipped models' measured accuracy on these sets, so a worse model cannot ship.
# house.onnx (40,000 steps), 2026-12-02: 94.7% of the 150 numbers below, 100% of the 60 SVHN-style cuts (the aim is 97%).
MIN_HOUSE_ACCURACY = 0.90
MIN_CUT_HOUSE_ACCURACY = 0.90
MIN_DRAWN_DIGIT_ACCURACY = 0.80
MIN_TRANSLATED_DIGIT_ACCURACY = 0.82  # ram-translated: 89% on the drawn digits placed at random in 60x60 (2026-12-01)
HANDWRITING = ("fonts-dkg-handwriting", "fonts-kristi", "fonts-breip", "fonts-dancingscript", "fonts-comic-neue",
               "fonts-humor-sans", "fonts-kaushanscript", "fonts-femkeklaver")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def house_numbers(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("house")
    rows, texts = [], []
    for i in range(150):
        number = house_number(SEED, i, "holdout")
        Image.fromarray(number.image).save(folder / f"{i:03d}.png")
        rows.append(f"{i:03d}.png\t{number.digits}\n")
        texts.append(number.digits)
    (folder / "labels.tsv").write_text("".join(rows))
    return folder, texts


@pytest.fixture(scope="module")
def drawn_digits(tmp_path_factory) -> tuple[Path, list[str]]:
    """Digits in handwriting-like faces, dark ink on paper, at sizes and places MNIST never uses."""
    folder = tmp_path_factory.mktemp("drawn")
    faces = [f for f in load_faces("train") if f.package in HANDWRITING]
    rng = np.random.default_rng(SEED)
    texts = []
    for i in range(100):
        digit = str(i % 10)
        face = faces[int(rng.integers(len(faces)))]
        side = int(rng.integers(60, 160))
        canvas = Image.new("L", (side, side), int(rng.integers(200, 256)))
        font = load_font(face.path, int(side * rng.uniform(0.5, 0.8)))
        ImageDraw.Draw(canvas).text((side / 2 + rng.uniform(-5, 5), side / 2 + rng.uniform(-5, 5)), digit,
                                    font=font, fill=int(rng.integers(0, 60)), anchor="mm")
        canvas.convert("RGB").save(folder / f"{i:03d}.png")
        texts.append(digit)
    return folder, texts


def _read(stdout: str) -> list[str]:
    return [line.split("\t")[1] for line in stdout.splitlines()]


def test_shipped_house_model_reads_numbers_it_never_saw(house_numbers, tmp_path):
    folder, texts = house_numbers
    result = _cli("digits", str(folder), "--visualize", str(tmp_path / "glimpses"))
    assert result.returncode == 0, result.stderr
    read = _read(result.stdout)
    assert len(read) == len(texts)
    accuracy = np.mean([r == t for r, t in zip(read, texts)])
    assert accuracy >= MIN_HOUSE_ACCURACY, accuracy
    pictures = sorted((tmp_path / "glimpses").glob("*.glimpses.png"))
    assert len(pictures) == len(texts)
    assert Image.open(pictures[0]).size[1] >= 320  # blown up to be seen


def test_eval_digits_reports_house_number_accuracy(house_numbers):
    folder, texts = house_numbers
    result = _cli("eval", "digits", "--data", f"folder:{folder}", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == len(texts) and report["accuracy"] >= MIN_HOUSE_ACCURACY
    assert set(report["by_length"]) <= {"1", "2", "3", "4", "5"}


def test_eval_digits_reads_svhn_full_numbers_cut_around_their_digits(tmp_path, write_digit_struct):
    # House numbers pasted into bigger photos, their digit boxes written as SVHN's digitStruct.mat gives them.
    rng = np.random.default_rng(SEED)
    entries = []
    for i in range(60):
        number = house_number(SEED, 1000 + i, "holdout")
        photo = np.empty((240, 360, 3), np.uint8)
        photo[:] = np.median(number.image.reshape(-1, 3), axis=0)
        y, x = int(rng.integers(0, 240 - 64)), int(rng.integers(0, 360 - 128))
        photo[y : y + 64, x : x + 128] = number.image
        Image.fromarray(photo).save(tmp_path / f"{i}.png")
        entries.append((f"{i}.png", [(bx + x, by + y, bw, bh, int(d) or 10) for (bx, by, bw, bh), d in zip(number.boxes, number.digits)]))
    write_digit_struct(tmp_path / "digitStruct.mat", entries)
    result = _cli("eval", "digits", "--data", f"svhn_full:{tmp_path / 'digitStruct.mat'}", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 60 and report["accuracy"] >= MIN_CUT_HOUSE_ACCURACY, report


def test_shipped_ram_reads_drawn_digits(drawn_digits):
    folder, texts = drawn_digits
    result = _cli("digits", "--model", "ram", "--json", str(folder))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    accuracy = np.mean([r["digits"] == t for r, t in zip(records, texts)])
    assert accuracy >= MIN_DRAWN_DIGIT_ACCURACY, accuracy
    assert all(len(r["glimpses"]) >= 2 for r in records)


def test_shipped_translated_ram_finds_digits_anywhere_in_60x60(drawn_digits):
    from ocrforge.digits.models import load_digit_model
    from ocrforge.digits.reader import mnist_form

    folder, texts = drawn_digits
    reader = load_digit_model("ram-translated")
    rng = np.random.default_rng(SEED)
    inputs, centres = [], []
    for i in range(len(texts)):
        digit = mnist_form(np.asarray(Image.open(folder / f"{i:03d}.png").convert("RGB")), 28)
        y, x = rng.integers(0, 60 - 28 + 1, size=2)
        canvas = np.zeros((60, 60), np.uint8)
        canvas[y : y + 28, x : x + 28] = digit
        inputs.append(canvas)
        centres.append((x + 14, y + 14))
    probs, locations = reader.classify(np.stack(inputs))
    accuracy = np.mean(probs.argmax(1) == np.array([int(t) for t in texts]))
    assert accuracy >= MIN_TRANSLATED_DIGIT_ACCURACY, accuracy
    distance = np.linalg.norm((locations + 1.0) * 30.0 - np.array(centres, float)[:, None], axis=2).mean(0)
    assert distance[1:].mean() < distance[0]  # after the first look at the centre, the glimpses move to the digit


def test_bad_inputs_are_named_and_do_not_stop_the_batch(house_numbers, tmp_path):
    folder, _ = house_numbers
    (tmp_path / "notes.png").write_text("not an image")
    (tmp_path / "cut.png").write_bytes((folder / "000.png").read_bytes()[:60])
    good = folder / "001.png"
    result = _cli("digits", str(tmp_path / "notes.png"), str(good), str(tmp_path / "cut.png"), str(tmp_path / "missing.png"))
    assert result.returncode == 1
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [str(good)]
    for name in ("notes.png", "cut.png", "missing.png"):
        assert name in result.stderr


def test_unknown_model_is_a_usage_error(house_numbers, tmp_path):
    folder, _ = house_numbers
    result = _cli("digits", "--model", str(tmp_path / "nope.onnx"), str(folder / "000.png"))
    assert result.returncode == 2
    assert "nope.onnx" in result.stderr
