"""`ocrforge read` and `ocrforge.OCR` end to end with the shipped models, on images the tests render."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import ocrforge
from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.scenes import detection_sample, scene
from ocrforge.eval.detection import MatchScore, iou, score_image
from ocrforge.io.images import ImageError

SEED = 77  # never a training seed (those are >= 100)
# The bar on scenes with words rotated up to ±30°: the shipped detector finds >= 90% of words.
MIN_SCENE_RECALL = 0.90


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", "read", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def ocr() -> ocrforge.OCR:
    return ocrforge.OCR()


@pytest.fixture(scope="module")
def scenes():
    faces = load_faces("holdout")  # faces the detector never saw
    return [scene(np.random.default_rng([SEED, i]), faces, max_angle=30.0) for i in range(10)]


def _sign(words: list[str], size: tuple[int, int] = (640, 200)) -> np.ndarray:
    """Big dark words on a light ground, for tests about geometry rather than hard reading."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", size, (235, 235, 230))
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 56)
    ImageDraw.Draw(image).text((30, 60), " ".join(words), font=font, fill=(20, 20, 20))
    return np.asarray(image)


def test_shipped_detector_finds_the_words_of_rendered_scenes(ocr, scenes):
    total = MatchScore()
    for item in scenes:
        found = [d.quad for d in ocr.detector.detect(item.image)]
        total.add(score_image(found, item.quads))
    assert total.recall >= MIN_SCENE_RECALL, f"recall {total.recall:.3f}, precision {total.precision:.3f}"
    assert total.precision >= 0.8, f"precision {total.precision:.3f}"


def test_read_returns_words_lines_and_text_in_original_pixels(ocr):
    image = _sign(["OPEN", "DAILY"])
    page = ocr.read(image)
    assert page.text.split() == ["OPEN", "DAILY"]
    assert len(page.lines) == 1 and page.lines[0].text == "OPEN DAILY"
    for word in page.words:
        assert word.box.shape == (4, 2) and 0 < word.confidence <= 1
        assert word.box[:, 0].min() >= 0 and word.box[:, 0].max() < 640

    huge = np.asarray(Image.fromarray(image).resize((640 * 8, 200 * 8)))  # scaled down for detection, boxes back up
    big = ocr.read(huge)
    assert big.text.split() == ["OPEN", "DAILY"]
    assert iou(big.words[0].box / 8, page.words[0].box) > 0.7  # the same place, in each image's own pixels


def test_exif_orientation_is_applied_before_reading(ocr, tmp_path):
    upright = Image.fromarray(_sign(["EXIT"], (400, 200)))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # the sensor's pixels ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and the tag that tells viewers to turn them 90° clockwise
    stored.save(tmp_path / "photo.jpg", exif=exif, quality=95)
    page = ocr.read(tmp_path / "photo.jpg")
    assert page.text == "EXIT" and (page.width, page.height) == (400, 200)


def test_tiny_and_blank_images_read_as_empty(ocr):
    assert ocr.read(np.zeros((3, 3, 3), np.uint8)).text == ""
    assert ocr.read(np.full((480, 640, 3), 200, np.uint8)).words == []


@pytest.mark.slow
def test_cli_formats_visualize_and_bad_inputs(tmp_path):
    good = tmp_path / "sign.png"
    Image.fromarray(_sign(["PARKING", "ONLY"])).save(good)
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:200])
    missing = tmp_path / "missing.png"

    text = _cli(str(good), str(broken), str(missing), "--visualize", str(tmp_path / "vis"))
    assert text.returncode == 1
    assert "PARKING ONLY" in text.stdout
    assert str(broken) in text.stderr and str(missing) in text.stderr
    assert (tmp_path / "vis" / "sign.png").exists()

    as_json = _cli(str(good), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    record = json.loads(as_json.stdout)
    assert set(record) >= {"path", "width", "height", "text", "lines"}
    word = record["lines"][0]["words"][0]
    assert set(word) == {"text", "confidence", "box"} and len(word["box"]) == 4

    hocr = _cli(str(good), "--format", "hocr")
    assert hocr.returncode == 0, hocr.stderr
    root = ET.fromstring(hocr.stdout.encode())
    words = [el.text for el in root.iter() if el.get("class") == "ocrx_word"]
    assert words == ["PARKING", "ONLY"]

    alto = _cli(str(good), "--format", "alto")
    assert alto.returncode == 0, alto.stderr
    strings = list(ET.fromstring(alto.stdout.encode()).iter("{http://www.loc.gov/standards/alto/ns-v4#}String"))
    assert [s.get("CONTENT") for s in strings] == ["PARKING", "ONLY"]
    assert int(strings[0].get("HPOS")) < int(strings[1].get("HPOS"))  # placed where they are read, left to right

    assert _cli().returncode == 2  # no input at all is a usage error


def test_read_many_skips_bad_inputs_and_threads_share_one_instance(ocr, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    signs = [_sign(["NORTH"]), _sign(["SOUTH", "GATE"])]
    (tmp_path / "bad.png").write_bytes(b"not an image")
    pages = ocr.read_many([signs[0], tmp_path / "bad.png", signs[1]], errors="skip")
    assert pages[1] is None and [p.text for p in (pages[0], pages[2])] == ["NORTH", "SOUTH GATE"]
    with pytest.raises(ImageError, match="bad.png"):
        ocr.read_many([tmp_path / "bad.png"])
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda image: ocr.read(image).text, signs * 4))
    assert texts == ["NORTH", "SOUTH GATE"] * 4


def test_fine_print_on_a_big_image_is_looked_at_again_larger(ocr):
    # A 12-megapixel photo of a page: its ~30 px print would be ~10 px at the default working size.
    page = detection_sample(SEED, 0, fonts="holdout", kind="page")
    scale = 2.8
    sheet = cv2.resize(page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    photo = np.full((3000, 4000, 3), 235, np.uint8)
    photo[:sheet.shape[0], :sheet.shape[1]] = sheet
    found = [d.quad for d in ocr.detector.detect(photo)]
    assert score_image(found, [q * scale for q in page.quads]).recall >= 0.8


def test_fine_print_in_a_small_image_is_looked_at_again_enlarged(ocr, monkeypatch):
    # A page photographed small: its print is ~8 px high, below what the detector learned from, so
    # the image itself is enlarged for a second look.
    page = detection_sample(SEED, 1, fonts="holdout", kind="page")
    heights = [np.linalg.norm(q[3] - q[0]) for q in page.quads]
    scale = 8.0 / float(np.median(heights))
    small = cv2.resize(page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    truth = [q * scale for q in page.quads]
    enlarged = score_image([d.quad for d in ocr.detector.detect(small)], truth).recall
    monkeypatch.setattr("ocrforge.runtime.detector.SMALL_TEXT_PX", 0)  # no second look
    as_is = score_image([d.quad for d in ocr.detector.detect(small)], truth).recall
    print(f"recall {as_is:.3f} at the image's own size, {enlarged:.3f} enlarged; print {np.median(heights) * scale:.1f} px")
    assert max(small.shape[:2]) < 1280 and enlarged >= as_is + 0.05 and enlarged >= 0.8


def test_a_photo_of_few_small_words_is_looked_at_again_enlarged(ocr, scenes):
    # Scenes of 4-15 words at 0.4x: a street photo's distant signs. Few words do not make a page, yet
    # they are enlarged too; the plate reader's way (enlarge_sparse=False) keeps them at their own size.
    enlarged, as_is = MatchScore(), MatchScore()
    for item in scenes:
        small = cv2.resize(item.image, None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
        truth = [q * 0.4 for q in item.quads]
        enlarged.add(score_image([d.quad for d in ocr.detector.detect(small)], truth))
        as_is.add(score_image([d.quad for d in ocr.detector.detect(small, enlarge_sparse=False)], truth))
    print(f"enlarged P {enlarged.precision:.3f} R {enlarged.recall:.3f}; as is P {as_is.precision:.3f} R {as_is.recall:.3f}")
    assert enlarged.recall >= as_is.recall + 0.1 and enlarged.recall >= 0.85 and enlarged.precision >= as_is.precision


@pytest.mark.slow
def test_eval_detector_scores_a_set_in_either_format_and_names_a_bad_image(ocr, scenes, tmp_path):
    from ocrforge.data.readers.boxes import save_boxes

    boxes, icdar = tmp_path / "boxes", tmp_path / "icdar"
    boxes.mkdir()
    icdar.mkdir()
    for i, item in enumerate(scenes[:4]):
        Image.fromarray(item.image).save(boxes / f"s{i}.png")
        Image.fromarray(item.image).save(icdar / f"s{i}.png")
        save_boxes(boxes / f"s{i}.json", f"s{i}.png", item.image.shape, item.quads, item.texts)
        rows = [",".join(str(round(float(v))) for v in q.reshape(-1)) + "," + t for q, t in zip(item.quads, item.texts)]
        (icdar / f"gt_s{i}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    reports = {}
    for kind, folder in (("boxes", boxes), ("icdar", icdar)):
        result = subprocess.run([sys.executable, "-m", "ocrforge", "eval", "detector", "--data", f"{kind}:{folder}", "--json"],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        reports[kind] = json.loads(result.stdout)
    assert reports["boxes"]["images"] == 4 and reports["boxes"]["hmean"] >= 0.85, reports["boxes"]
    assert abs(reports["icdar"]["hmean"] - reports["boxes"]["hmean"]) < 0.03  # corners rounded to whole pixels
    expected = MatchScore()
    for item in scenes[:4]:
        expected.add(score_image([d.quad for d in ocr.detector.detect(item.image)], item.quads))
    assert reports["boxes"]["matched"] == expected.matched and reports["boxes"]["predicted"] == expected.predicted

    (boxes / "s0.png").write_bytes(b"not an image")
    result = subprocess.run([sys.executable, "-m", "ocrforge", "eval", "detector", "--data", f"boxes:{boxes}"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "s0.png" in result.stderr
    assert "3 images" in result.stdout and "H-mean" in result.stdout


def test_cli_reads_a_handwritten_page_by_lines_into_alto_with_its_words(tmp_path):
    pages = Path(__file__).resolve().parents[1] / "data" / "handwriting_pages"
    truth = {word for record in pages.glob("*.json") for line in json.loads(record.read_text())["lines"]
             for word in line["text"].split()}
    done = _cli(*map(str, sorted(pages.glob("*.jpg"))), "--handwriting", "--format", "alto")
    assert done.returncode == 0, done.stderr[-2000:]
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    root = ET.fromstring(done.stdout)
    lines = root.findall(".//a:TextLine", ns)
    strings = [s.get("CONTENT") for s in root.findall(".//a:String", ns)]
    assert len(lines) >= 30 and all(" " not in s for s in strings)  # whole lines found, their words written apart
    assert len(truth & set(strings)) >= 0.25 * len(truth)
    assert all(line.find("a:Shape/a:Polygon", ns) is not None and line.get("BASELINE") for line in lines)
    # What a transcription platform would correct comes back as line ground truth (`alto:`), image and all.
    from ocrforge.data.readers import open_dataset

    one = sorted(pages.glob("*.jpg"))[1]
    (tmp_path / one.name).write_bytes(one.read_bytes())
    (tmp_path / f"{one.stem}.xml").write_text(_cli(str(tmp_path / one.name), "--handwriting", "--format", "alto").stdout)
    back = list(open_dataset(f"alto:{tmp_path}"))
    assert len(back) >= 5 and all(s.image.shape[0] > 10 and s.text for s in back)
    recognized = subprocess.run([sys.executable, "-m", "ocrforge", "recognize", "--handwriting",
                                 str(pages.parent / "handwriting_val" / "htr_testaments" / "00002.png")],
                                capture_output=True, text=True, timeout=300)
    assert recognized.returncode == 0 and "ma" in recognized.stdout.split("\t")[1].split()
