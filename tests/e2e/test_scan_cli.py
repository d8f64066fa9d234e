"""`ocrforge scan` end to end with the shipped models, on page photos the tests make.

OCRFORGE_TEST_DETECTOR=PATH runs them with another ONNX detector (e.g. a training snapshot).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pytest
from PIL import Image, ImageDraw
from shapely.geometry import Point, Polygon

from ocrforge.data.synth import text as text_gen
from ocrforge.data.synth.background import background
from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.render import load_font
from ocrforge.data.synth.scenes import photo
from ocrforge.eval.pages import normalise_whitespace, page_text_score
from ocrforge.pipeline.ocr import OCR
from ocrforge.scan.pdf import PAGE_LONG_SIDE
from ocrforge.scan.scanner import scan

SEED = 78  # never a training seed (those are >= 100)
DETECTOR = os.environ.get("OCRFORGE_TEST_DETECTOR")
FONT = "ClearSans-Regular.ttf"  # a holdout face: never trained on
MAX_CER = 0.02  # the bars: the text after scanning ...
MAX_CORNER_ERROR = 0.015  # ... and the page corners, as a share of the page diagonal
# (w, h) photo size and the sheet's corners in it, clockwise from top-left: one tilted, one foreshortened.
PHOTOS = [((960, 1280), [[150, 140], [820, 100], [870, 1150], [110, 1190]]),
          ((1200, 900), [[260, 60], [930, 110], [960, 850], [200, 830]])]


def _document(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A single-column page of dictionary words (RGB uint8) and its text in reading order."""
    face = next(f for f in load_faces("holdout") if Path(f.path).name == FONT)
    font = load_font(face.path, 30)
    sheet = Image.new("RGB", (800, 1040), (236, 234, 228))
    draw = ImageDraw.Draw(sheet)
    lines = [" ".join(text_gen.dictionary_word(rng) for _ in range(4)) for _ in range(14)]
    for i, line in enumerate(lines):
        draw.text((70, 80 + 62 * i), line, font=font, fill=(25, 25, 30))
    return np.asarray(sheet), "\n".join(lines)


def _photo(sheet: np.ndarray, size: tuple[int, int], corners: list[list[float]], rng: np.random.Generator) -> np.ndarray:
    """The sheet in perspective on a desk, lit unevenly."""
    h, w = sheet.shape[:2]
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(corners))
    warped = cv2.warpPerspective(sheet.astype(np.float32), matrix, size)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, size)[..., None]
    desk = background(rng, size[1], size[0], np.float32([120, 85, 55]))
    light = np.linspace(1.0, 0.7, size[0], dtype=np.float32)[None, :, None]  # a lamp on the left
    return np.clip((desk * (1 - cover) + warped * cover) * light, 0, 255).astype(np.uint8)


@dataclass
class Shot:
    path: Path
    corners: np.ndarray  # the sheet's corners in the photo, clockwise from top-left
    text: str | None  # what the sheet says, for the hand-made documents


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> tuple[list[Shot], Path]:
    """Page photos (JPEG, as phones write them): two hand-made single-column documents and one synthetic
    phone photo (columns, tables, shadows, blur); and a photo of a bare desk."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(SEED)
    shots = []
    for i, (size, corners) in enumerate(PHOTOS):
        sheet, text = _document(rng)
        shots.append(Shot(folder / f"page{i + 1}.jpg", np.float32(corners), text))
        Image.fromarray(_photo(sheet, size, corners, rng)).save(shots[-1].path, quality=90)
    synthetic = photo(np.random.default_rng([SEED, 0]), load_faces("holdout"))
    shots.append(Shot(folder / "synthetic.jpg", synthetic.page, None))
    Image.fromarray(synthetic.image).save(shots[-1].path, quality=90)
    desk = folder / "desk.jpg"
    Image.fromarray(np.clip(background(rng, 900, 1200, np.float32([90, 110, 70])), 0, 255).astype(np.uint8)).save(desk, quality=90)
    return shots, desk


def _cli(*args: str) -> subprocess.CompletedProcess:
    detector = ["--detector", DETECTOR] if DETECTOR else []
    return subprocess.run([sys.executable, "-m", "ocrforge", "scan", *args, *detector], capture_output=True, text=True, timeout=300)


def _pdf_box(box: np.ndarray, width: int, height: int) -> Polygon:
    return Polygon(np.asarray(box, np.float64) * PAGE_LONG_SIDE / max(width, height))


@pytest.mark.slow
def test_scan_writes_a_searchable_pdf_and_reports_a_photo_without_a_page(photos, tmp_path):
    shots, desk = photos
    out = tmp_path / "scans.pdf"
    result = _cli(str(shots[0].path), str(desk), *(str(s.path) for s in shots[1:]), "--out", str(out), "--format", "json")

    assert result.returncode == 1  # one photo had no page ...
    assert f"no page found in {desk}" in result.stderr and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == [str(s.path) for s in shots]  # ... the others were still scanned

    ocr = OCR(DETECTOR)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == len(shots)
        for record, shot, pdf_page in zip(records, shots, pdf.pages):
            assert set(record) == {"path", "corners", "width", "height", "text"}
            diagonal = np.linalg.norm(shot.corners[2] - shot.corners[0])
            assert np.linalg.norm(np.subtract(record["corners"], shot.corners), axis=1).mean() < MAX_CORNER_ERROR * diagonal
            if shot.text is not None:
                assert page_text_score(record["text"], shot.text).cer <= MAX_CER, record["text"]

            # The text layer holds the words read, each where the image shows it: the boxes come from
            # scanning the same photo in-process with the same models.
            page = scan(shot.path, ocr).page
            assert page.text == record["text"]
            long_side = max(record["width"], record["height"])
            assert (pdf_page.width, pdf_page.height) == pytest.approx(
                (record["width"] * PAGE_LONG_SIDE / long_side, record["height"] * PAGE_LONG_SIDE / long_side), abs=0.1)
            found = pdf_page.extract_words()
            # A box the recognizer read as two words ("as if") holds both, so words are compared split.
            assert Counter(w["text"] for w in found) == Counter(t for w in page.words for t in w.text.split())
            for word in found:
                centre = Point((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2)
                assert any(word["text"] in w.text.split() and _pdf_box(w.box, page.width, page.height).contains(centre)
                           for w in page.words), f"{word['text']} at {centre} lies on no box of that word"

    if shutil.which("pdftotext"):  # poppler's reader gives the single-column pages back in reading order
        layer = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        for record, shot, extracted in zip(records, shots, layer.split("\f")):
            if shot.text is not None:
                assert normalise_whitespace(extracted) == normalise_whitespace(record["text"])


@pytest.mark.slow
def test_scan_writes_page_images_and_text(photos, tmp_path):
    paths = [shot.path for shot in photos[0][:2]]
    result = _cli(*map(str, paths), "--out", str(tmp_path / "page.png"), "--binarize")
    assert result.returncode == 0, result.stderr
    for i in (1, 2):
        image = np.asarray(Image.open(tmp_path / f"page-{i}.png"))
        assert image.ndim == 2 and set(np.unique(image)) <= {0, 255}  # binarised
        assert 700 < max(image.shape) <= 2000

    result = _cli(*map(str, paths), "--out", str(tmp_path / "pages.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    written = (tmp_path / "pages.txt").read_text(encoding="utf-8").split("\f")
    assert [page.rstrip("\n") for page in written] == [r["text"] for r in records]


@pytest.mark.parametrize("args", [["photo.jpg", "--out", "scan.docx"], ["photo.jpg"], ["--out", "scan.pdf"]])
def test_usage_errors_exit_2(args):
    result = _cli(*args)
    assert result.returncode == 2 and result.stderr.startswith("ocrforge scan: ")
