"""Real images in detector training: word boxes cut from labelled lines, don't-care regions kept as
such, partial labels refused, and augmented crops whose boxes still lie on their words."""

import json

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon, box

from ocrforge.data.readers.boxes import read_boxes
from ocrforge.data.readers.line_words import split_line
from ocrforge.detect.geometry import rectangle
from ocrforge.train.detection_batches import DetectionStream
from ocrforge.train.real_detection import augment_crop, load_real_scenes, read_scene

FONT, SCALE, THICK = cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2


def _draw_words(words: list[str], space: int, size: tuple[int, int] = (80, 600)) -> tuple[np.ndarray, list[np.ndarray]]:
    """A white strip with the words printed `space` pixels apart, and each word's true ink box."""
    image = np.full(size, 255, np.uint8)
    x, baseline, boxes = 20, 50, []
    for word in words:
        (w, h), _ = cv2.getTextSize(word, FONT, SCALE, THICK)
        cv2.putText(image, word, (x, baseline), FONT, SCALE, 0, THICK)
        ink = np.flatnonzero((image[:, x - 2:x + w + 4] < 128).any(axis=0))
        boxes.append(rectangle(x - 2 + ink[0], baseline - h, x - 2 + ink[-1] + 1, baseline))
        x += w + space
    return image, boxes


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    return Polygon(a).intersection(Polygon(b)).area / Polygon(a).union(Polygon(b)).area


def test_a_line_is_cut_at_its_spaces_into_the_words_of_its_label():
    gray, truth = _draw_words(["TOTAL", "AMOUNT", "12.50"], space=25)
    line = rectangle(10, 15, 400, 60)
    words = split_line(gray, line, "TOTAL AMOUNT 12.50")
    assert words is not None and len(words) == 3
    for found, true in zip(words, truth):
        horizontal = rectangle(found[0, 0], 0, found[1, 0], 1), rectangle(true[0, 0], 0, true[1, 0], 1)
        assert _overlap(*horizontal) > 0.9  # the cut lands in the space, the box hugs the word's ink


def test_a_line_whose_print_lacks_the_labels_spaces_is_not_cut():
    gray, _ = _draw_words(["TOTALAMOUNT"], space=0)
    assert split_line(gray, rectangle(10, 15, 300, 60), "TOTAL AMOUNT") is None
    gray, _ = _draw_words(["TOTAL", "AMOUNT"], space=25)  # two words printed, three in the label
    assert split_line(gray, rectangle(10, 15, 400, 60), "TO TAL AMOUNT") is None


def _write_record(folder, name, image, record):
    (folder / "images").mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "images" / f"{name}.png"), image)
    record = {"image": f"{name}.png", "width": image.shape[1], "height": image.shape[0], **record}
    (folder / "images" / f"{name}.json").write_text(json.dumps(record))


def test_line_records_give_word_boxes_and_unclear_lines_become_dont_care(tmp_path):
    clear, _ = _draw_words(["CASH", "10.00"], space=30)
    merged, _ = _draw_words(["CHANGE0.00"], space=0)
    page = np.vstack([clear, merged])
    lines = [{"box": rectangle(10, 15, 300, 60).tolist(), "text": "CASH 10.00"},
             {"box": rectangle(10, 95, 300, 140).tolist(), "text": "CHANGE 0.00"}]
    _write_record(tmp_path, "r", page, {"lines": lines, "words": []})
    (record,) = read_boxes(tmp_path)
    assert record.texts == ["CASH", "10.00"] and len(record.quads) == 2
    assert len(record.ignore) == 1 and np.allclose(record.ignore[0], lines[1]["box"])


def test_partially_labelled_images_are_not_trained_on(tmp_path):
    image, boxes = _draw_words(["EXIT"], space=0)
    _write_record(tmp_path / "svt", "a", image, {"words": [{"box": boxes[0].tolist(), "text": "EXIT"}], "partial_labels": True})
    with pytest.raises(ValueError, match="partial labels"):
        load_real_scenes(tmp_path / "svt")
    _write_record(tmp_path / "svt", "b", image, {"words": [{"box": boxes[0].tolist(), "text": "EXIT"}]})
    assert [item.image_path.name for item in load_real_scenes(tmp_path / "svt").items] == ["b.png"]


def test_augmented_crops_keep_their_boxes_on_the_crop_and_mark_cut_ones():
    rng = np.random.default_rng(3)
    crop = np.full((256, 256, 3), 200, np.uint8)
    quads = [rectangle(20, 20, 120, 50), rectangle(100, 200, 250, 240), rectangle(200, 100, 300, 130)]
    for _ in range(20):
        out, kept, ignore = augment_crop(crop, quads, [False, False, True], rng)
        assert out.shape == crop.shape and out.dtype == np.uint8 and len(kept) == len(ignore)
        for quad, skip in zip(kept, ignore):
            inside = Polygon(quad).intersection(box(0, 0, 256, 256)).area / Polygon(quad).area
            assert inside > 0 and (skip or inside >= 0.95)
        assert sum(not skip for skip in ignore) <= 2  # the cut word never comes back as a word to find


def test_the_stream_mixes_real_crops_with_their_dont_care_regions(tmp_path):
    from ocrforge.data.synth.detection_shards import write_detection_shards

    write_detection_shards(tmp_path / "shards", seed=302, shards=1, shard_size=2)
    image, boxes = _draw_words(["OPEN", "DAILY"], space=40, size=(120, 400))
    words = [{"box": boxes[0].tolist(), "text": "OPEN"}, {"box": boxes[1].tolist(), "text": "DAILY", "illegible": True}]
    _write_record(tmp_path / "real", "shop", cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), {"words": words})
    scenes = load_real_scenes(tmp_path / "real")
    scene = read_scene(scenes.items[0])
    assert scene.image.shape == (120, 400, 3) and len(scene.quads) == 1 and len(scene.ignore) == 1
    stream = iter(DetectionStream(tmp_path / "shards", 128, 2, seed=0, real=[scenes], real_share=1.0))
    examples = [next(stream) for _ in range(6)]
    assert all(ex["images"].shape == (3, 128, 128) for ex in examples)
    assert any(ex["prob"].sum() > 0 for ex in examples)  # the legible word is a target
    assert any((ex["prob_mask"] == 0).any() for ex in examples)  # the illegible one is neither text nor background


def test_line_records_give_each_line_polygon_as_one_upright_box_and_keep_partly_labelled_pages(tmp_path):
    image, boxes = _draw_words(["Je", "lègue", "tout"], space=30, size=(120, 500))
    left, right = boxes[0], boxes[-1]
    # A wavy outline of the whole line, as transcription platforms draw it.
    outline = np.float32([[left[0][0] - 4, left[0][1] - 3], [250, left[0][1] - 6], [right[1][0] + 4, right[1][1] - 3],
                          [right[2][0] + 4, right[2][1] + 5], [250, right[2][1] + 8], [left[3][0] - 4, left[3][1] + 5]]).tolist()
    _write_record(tmp_path / "pages", "will", cv2.cvtColor(image, cv2.COLOR_GRAY2BGR),
                  {"words": [], "lines": [{"polygon": outline, "box": rectangle(*np.min(outline, 0), *np.max(outline, 0)).tolist(),
                                             "text": "Je lègue tout"}], "partial_labels": True})
    with pytest.raises(ValueError, match="partial labels"):
        load_real_scenes(tmp_path / "pages")  # as words: a partly labelled page would teach text as background
    scenes = load_real_scenes(tmp_path / "pages", lines=True)
    item = scenes.items[0]
    assert item.texts == ["Je lègue tout"] and len(item.quads) == 1
    quad = item.quads[0]
    assert quad[1][0] > quad[0][0] and quad[3][1] > quad[0][1]  # reading order: top edge left to right
    assert Polygon(quad).contains(Polygon(outline).buffer(-0.5))
    stream = iter(DetectionStream(None, 128, 2, seed=0, real=[scenes], real_share=1.0))  # no shards needed
    assert next(stream)["images"].shape == (3, 128, 128)
    with pytest.raises(FileNotFoundError):
        DetectionStream(None, 128, 2, seed=0, real=[scenes], real_share=0.5)
