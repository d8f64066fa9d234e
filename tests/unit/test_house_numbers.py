import re
from collections import Counter

import cv2
import numpy as np
import pytest

import ocrforge.data.synth.house_numbers as hn
from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.house_numbers import HOUSE_SIZE, house_number, load_house_number_shard, write_house_number_shards


@pytest.fixture(scope="module")
def samples():
    return [house_number(11, i) for i in range(300)]


def test_same_seed_and_index_give_the_same_image_even_with_cold_glyph_caches():
    a = house_number(7, 3)
    hn._glyph.cache_clear()
    hn._digit_height.cache_clear()
    b = house_number(7, 3)
    assert a.digits == b.digits and a.boxes == b.boxes
    assert np.array_equal(a.image, b.image)


def test_other_indices_and_seeds_give_other_images():
    images = [house_number(7, i).image for i in range(6)] + [house_number(8, 3).image]
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert not np.array_equal(images[i], images[j]), (i, j)


def test_images_are_64x128_rgb_uint8_with_one_box_per_digit_inside_left_to_right(samples):
    height, width = HOUSE_SIZE
    for s in samples:
        assert s.image.shape == (height, width, 3) and s.image.dtype == np.uint8
        assert re.fullmatch(r"[1-9][0-9]{0,4}", s.digits), s.digits
        assert len(s.boxes) == len(s.digits)
        boxes = np.array(s.boxes)
        x, y, w, h = boxes.T
        assert (w > 0).all() and (h > 0).all()
        # The whole number lies inside the frame, not just clipped to it.
        assert (x >= 1).all() and (y >= 1).all() and (x + w <= width - 1).all() and (y + h <= height - 1).all(), s.boxes
        assert (np.diff(x + w / 2) > 0).all() and (np.diff(x) >= 0).all(), s.boxes
        assert 0.25 * height <= h.max() <= height


def test_digit_counts_cover_one_to_five_with_three_the_most_common(samples):
    counts = Counter(len(s.digits) for s in samples)
    assert set(counts) == {1, 2, 3, 4, 5}
    assert counts.most_common(1)[0][0] == 3
    assert 0.25 <= counts[3] / len(samples) <= 0.45
    assert min(counts.values()) >= 0.04 * len(samples)


def test_images_are_not_blank_and_vary_in_polarity_and_degradation(samples):
    # Ink darker than its surroundings in some, lighter in others; some sharp, some blurred.
    darker = sharp = 0
    for s in samples[:120]:
        gray = cv2.cvtColor(s.image, cv2.COLOR_RGB2GRAY).astype(np.float32)
        assert gray.std() > 3
        x, y, w, h = (int(round(v)) for v in s.boxes[0])
        box = gray[y : y + h, x : x + w]
        darker += np.median(box) > box.min() + 0.5 * (box.max() - box.min())  # mostly ground: ink is the dark part
        sharp += np.abs(np.diff(gray, axis=1)).max() > 60
    assert 15 <= darker <= 105
    assert 10 <= sharp <= 115


def test_holdout_split_renders_with_holdout_faces_only(monkeypatch):
    used = []
    real_load_font = hn.load_font

    def spy(path, size):
        used.append(path)
        return real_load_font(path, size)

    monkeypatch.setattr(hn, "load_font", spy)
    hn._glyph.cache_clear()  # cached glyphs would hide which faces are drawn with
    hn._digit_height.cache_clear()
    for i in range(40):
        house_number(5, i, split="holdout")
    holdout = {f.path for f in load_faces("holdout")}
    train = {f.path for f in load_faces("train")}
    assert used and set(used) <= holdout and not set(used) & train
    hn._glyph.cache_clear()
    hn._digit_height.cache_clear()


def test_shards_round_trip_as_grayscale_with_labels_and_boxes(tmp_path):
    paths = write_house_number_shards(tmp_path, seed=3, shards=2, shard_size=4)
    assert [p.name for p in paths] == ["house-train-3-0000.npz", "house-train-3-0001.npz"]
    images, labels, boxes = load_house_number_shard(paths[1])
    assert images.shape == (4, *HOUSE_SIZE) and images.dtype == np.uint8 and labels.shape == (4,)
    for i in range(4):
        expected = house_number(3, 4 + i)
        assert labels[i] == expected.digits
        assert np.array_equal(images[i], cv2.cvtColor(expected.image, cv2.COLOR_RGB2GRAY))
        n = len(expected.digits)
        assert np.allclose(boxes[i, :n], expected.boxes, atol=1e-3) and np.isnan(boxes[i, n:]).all()
    mtime = paths[0].stat().st_mtime_ns
    write_house_number_shards(tmp_path, seed=3, shards=2, shard_size=4)  # shards on disk are kept
    assert paths[0].stat().st_mtime_ns == mtime
