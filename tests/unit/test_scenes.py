import numpy as np
import pytest
from shapely.geometry import Polygon, box

from ocrforge.data.readers.boxes import read_boxes
from ocrforge.data.synth.detection_shards import load_detection_shard, save_detection_shard
from ocrforge.data.synth.scenes import KINDS, detection_sample
from ocrforge.data.synth.writer import write_scenes
from ocrforge.train.detection_crops import random_crop


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_deterministic_and_boxes_lie_on_the_image(kind):
    a, b = detection_sample(5, 1, kind=kind), detection_sample(5, 1, kind=kind)
    assert np.array_equal(a.image, b.image) and a.texts == b.texts
    h, w = a.image.shape[:2]
    assert len(a.quads) == len(a.texts) >= 1
    for quad in a.quads:
        assert quad.shape == (4, 2)
        assert quad.min() >= 0 and quad[:, 0].max() < w and quad[:, 1].max() < h


def test_words_are_drawn_inside_their_boxes_on_a_clean_page():
    page = detection_sample(3, 0, kind="page")
    gray = page.image.mean(axis=2)
    paper = np.median(gray)
    ink_inside = [np.abs(gray[int(q[:, 1].min()):int(q[:, 1].max()) + 1, int(q[:, 0].min()):int(q[:, 0].max()) + 1] - paper).max()
                  for q in page.quads[:20]]
    assert min(ink_inside) > 60  # every box holds ink


def test_shards_and_json_round_trip(tmp_path):
    items = [detection_sample(9, i) for i in range(3)]
    save_detection_shard(items, tmp_path / "s.npz")
    loaded = load_detection_shard(tmp_path / "s.npz")
    for a, b in zip(items, loaded):
        assert np.array_equal(a.image, b.image) and a.texts == b.texts
        np.testing.assert_allclose(np.array(a.quads), np.array(b.quads))
    write_scenes(tmp_path / "view", 2, seed=9)
    boxed = list(read_boxes(tmp_path / "view"))
    assert [len(b.quads) for b in boxed] == [len(i.quads) for i in items[:2]]
    assert all(b.image_path.exists() for b in boxed)


def test_random_crop_keeps_boxes_in_the_window_and_ignores_cut_words():
    rng = np.random.default_rng(0)
    item = detection_sample(4, 0, kind="page")
    for _ in range(5):
        crop, quads, ignore = random_crop(item, rng, 256)
        assert crop.shape == (256, 256, 3) and len(quads) == len(ignore)
        for quad, skip in zip(quads, ignore):
            inside = Polygon(quad).intersection(box(0, 0, 256, 256)).area / Polygon(quad).area
            assert inside > 0 and (skip or inside >= 0.95)  # words the window cuts are ignored
