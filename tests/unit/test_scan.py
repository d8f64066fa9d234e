"""Document scanning without the models: page outline, rectification, light, skew, binarisation, PDF text layer."""

from __future__ import annotations

import cv2
import numpy as np
import pdfplumber
import pytest
import shapely
from shapely.geometry import Point

from ocrforge.data.synth.background import background
from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.scenes import page, photo
from ocrforge.detect.geometry import order_quad
from ocrforge.pipeline.layout import arrange
from ocrforge.results import Page, Word
from ocrforge.scan.flatten import binarize, deskew, flatten_light, rectify, skew_angle
from ocrforge.scan.outline import find_page
from ocrforge.scan.pdf import PAGE_LONG_SIDE, write_pdf

SEED = 7  # never a training seed (those are >= 100)
# The bar: detected corners within 1.5% of the page diagonal on average, on pages never trained on.
MAX_CORNER_ERROR = 0.015
SHEET = (850, 1100)  # (w, h) of the hand-made sheets


def _corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean corner distance as a share of the page's diagonal."""
    truth = order_quad(truth)
    diagonal = (np.linalg.norm(truth[2] - truth[0]) + np.linalg.norm(truth[3] - truth[1])) / 2
    return float(np.linalg.norm(order_quad(found) - truth, axis=1).mean() / diagonal)


def _sheet() -> np.ndarray:
    """A white sheet with rows of dark 'print' (bars of word-like lengths), RGB uint8."""
    rng = np.random.default_rng([SEED, 0])
    sheet = np.full((SHEET[1], SHEET[0], 3), 238, np.uint8)
    for y in range(90, SHEET[1] - 90, 34):
        x = 80
        while x < SHEET[0] - 160:
            width = int(rng.integers(30, 120))
            cv2.rectangle(sheet, (x, y), (x + width, y + 14), (30, 30, 30), -1)
            x += width + 16
    return sheet


def _photo_of(sheet: np.ndarray, corners: np.ndarray, size: tuple[int, int] = (900, 1200)) -> np.ndarray:
    """`sheet` in perspective at `corners` on a textured desk of `size` (w, h)."""
    rng = np.random.default_rng([SEED, 1])
    desk = background(rng, size[1], size[0], np.float32([110, 80, 60]))
    h, w = sheet.shape[:2]
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), np.float32(corners))
    warped = cv2.warpPerspective(sheet.astype(np.float32), matrix, size)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, size)[..., None]
    return np.clip(desk * (1 - cover) + warped * cover, 0, 255).astype(np.uint8)


def test_find_page_gives_the_corners_clockwise_from_top_left():
    corners = np.float32([[140, 120], [780, 170], [820, 1090], [90, 1020]])
    found = find_page(_photo_of(_sheet(), corners))
    assert found is not None and found.shape == (4, 2)
    assert _corner_error(found, corners) < 0.005
    assert np.linalg.norm(found - corners, axis=1).max() < 8  # and in this order, not just as a set


def test_a_corner_outside_the_frame_is_found_where_the_sides_meet():
    corners = np.float32([[60, 100], [960, 40], [850, 1130], [40, 1080]])  # the top-right corner is off the 900 px wide photo
    found = find_page(_photo_of(_sheet(), corners))
    assert found is not None and found[1][0] > 900
    assert _corner_error(found, corners) < 0.01


def test_a_thin_bright_strand_touching_the_page_does_not_pull_its_outline():
    # A shadow's edge or a cable as light as the paper, running across the desk into the page.
    corners = np.float32([[200, 150], [700, 180], [720, 1000], [170, 980]])
    image = _photo_of(_sheet(), corners)
    cv2.line(image, (0, 640), (900, 760), (238, 238, 238), 12)
    found = find_page(image)
    assert found is not None
    assert _corner_error(found, corners) < 0.01


def test_corner_error_on_synthetic_phone_photos_meets_the_bar():
    faces = load_faces("holdout")  # fonts never trained on
    errors = []
    for i in range(6):
        item = photo(np.random.default_rng([SEED, i]), faces)
        found = find_page(item.image)
        assert found is not None, f"photo {i}: no page found"
        errors.append(_corner_error(found, item.page))
    assert np.mean(errors) <= MAX_CORNER_ERROR, f"mean corner error {np.mean(errors):.2%} of the diagonal: {np.round(errors, 4)}"


@pytest.mark.parametrize("what", ["desk", "flat", "tiny", "small sheet"])
def test_photos_without_a_page_give_none(what):
    rng = np.random.default_rng([SEED, 2])
    image = {
        "desk": lambda: np.clip(background(rng, 900, 700, np.float32([150, 120, 90])), 0, 255).astype(np.uint8),
        "flat": lambda: np.full((600, 400, 3), 200, np.uint8),
        "tiny": lambda: np.full((12, 9, 3), 255, np.uint8),
        # A card covering ~8% of the photo is not a page.
        "small sheet": lambda: _photo_of(_sheet(), np.float32([[350, 450], [560, 450], [560, 720], [350, 720]])),
    }[what]()
    assert find_page(image) is None


def test_rectify_undoes_the_perspective():
    sheet = _sheet()
    corners = np.float32([[140, 120], [780, 170], [820, 1090], [90, 1020]])
    flat = rectify(_photo_of(sheet, corners), corners)
    h, w = flat.shape[:2]
    assert abs((w / h) / (SHEET[0] / SHEET[1]) - 1) < 0.05  # the aspect ratio, from the quad's sides
    back = cv2.resize(sheet, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    inner = (slice(h // 20, -h // 20), slice(w // 20, -w // 20))  # the rim may hold a pixel of desk
    assert np.abs(flat[inner].astype(np.float32) - back[inner]).mean() < 12


def test_rectify_caps_the_long_side():
    corners = np.float32([[0, 0], [3000, 0], [3000, 4000], [0, 4000]])
    flat = rectify(np.zeros((4000, 3000, 3), np.uint8), corners, max_side=2000)
    assert flat.shape[:2] == (2000, 1500)


def test_flatten_light_removes_shading_and_a_shadow_and_keeps_the_print():
    sheet = _sheet().astype(np.float32)
    h, w = sheet.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.5 * xx / w  # light falling off to the right ...
    light[:, : w // 3] *= 0.55  # ... and a hand's hard shadow over the left third
    lit = np.clip(sheet * light[..., None] * np.float32([1.0, 0.95, 0.8]), 0, 255).astype(np.uint8)  # warm lamp
    flat = flatten_light(lit).astype(np.float32)
    paper = (sheet[..., 0] > 200)
    paper[:, w // 3 - 12: w // 3 + 12] = False  # the shadow's edge itself may keep a seam
    assert flat[paper].mean() > 235 and flat[paper].std() < 10, "paper is evenly white"
    assert np.abs(flat[paper].mean(axis=0) - flat[paper].mean()).max() < 5, "no colour cast"
    assert flat[sheet[..., 0] < 100].mean() < 80, "print stays dark"


@pytest.mark.parametrize("angle", [-3.0, 1.5])
def test_skew_is_measured_and_removed(angle):
    sheet = page(np.random.default_rng([SEED, 3]), load_faces("holdout")).image
    h, w = sheet.shape[:2]
    # Lines falling to the right by `angle` degrees: OpenCV turns counter-clockwise for positive angles.
    tilted = cv2.warpAffine(sheet, cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0), (w, h), borderValue=(255, 255, 255))
    assert skew_angle(tilted) == pytest.approx(angle, abs=0.2)
    assert abs(skew_angle(deskew(tilted))) < 0.2
    assert deskew(sheet) is sheet  # a level page is left as it is


def test_binarize_gives_black_print_on_white():
    sheet = _sheet()
    bw = binarize(flatten_light(sheet))
    assert bw.ndim == 2 and bw.dtype == np.uint8 and set(np.unique(bw)) <= {0, 255}
    print_pixels = sheet[..., 0] < 100
    assert (bw[print_pixels] == 0).mean() > 0.95 and (bw[~print_pixels] == 255).mean() > 0.98


def _page_of(words: list[tuple[str, tuple[float, float, float, float]]], size: tuple[int, int]) -> Page:
    return Page(None, size[0], size[1], arrange([
        Word(text, 0.9, np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])) for text, (x0, y0, x1, y1) in words]))


def test_pdf_text_layer_sits_on_the_words(tmp_path):
    size = (1000, 1400)  # scanned image pixels (w, h)
    words = [("Invoice", (100, 100, 300, 150)), ("No.", (320, 100, 400, 150)), ("4711", (420, 100, 540, 150)),
             ("touching", (100, 300, 260, 330)), ("boxes", (255, 300, 360, 330)),  # boxes overlapping by 5 px
             ("naïve", (100, 500, 200, 530)), ("café→", (220, 500, 330, 530))]
    scan = _page_of(words, size)
    image = np.full((size[1], size[0], 3), 255, np.uint8)
    write_pdf([(image, scan), (binarize(image), scan)], tmp_path / "doc.pdf")

    scale = PAGE_LONG_SIDE / max(size)
    with pdfplumber.open(tmp_path / "doc.pdf") as pdf:
        assert len(pdf.pages) == 2
        for pdf_page in pdf.pages:
            assert (pdf_page.width, pdf_page.height) == pytest.approx((size[0] * scale, size[1] * scale), abs=0.1)
            assert len(pdf_page.images) == 1
            found = pdf_page.extract_words()
            # Latin-1 letters survive; characters the core font lacks become '?'.
            assert [w["text"] for w in found] == ["Invoice", "No.", "4711", "touching", "boxes", "naïve", "café?"]
            for word, (_, corners) in zip(found, words):
                box = shapely.box(*(np.float64(corners) * scale))
                assert box.contains(Point((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2)), word["text"]
                extracted = shapely.box(word["x0"], word["top"], word["x1"], word["bottom"])
                assert extracted.intersection(box).area / extracted.union(box).area > 0.8, word["text"]
