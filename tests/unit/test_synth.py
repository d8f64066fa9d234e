import string
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ocrforge.data.synth import SynthRecipe, sample
from ocrforge.data.synth.fonts import font_packages, load_faces
from ocrforge.data.synth.recipe import CLEAN
from ocrforge.data.synth.shards import load_shard, render_shard, save_shard
from ocrforge.text.charset import Charset


def test_same_seed_same_pixels_other_seed_other_pixels():
    a_img, a_text = sample(123, 5)
    b_img, b_text = sample(123, 5)
    c_img, c_text = sample(124, 5)
    assert a_text == b_text and np.array_equal(a_img, b_img)
    assert (a_text, a_img.shape) != (c_text, c_img.shape) or not np.array_equal(a_img, c_img)


def test_samples_are_rgb_uint8_and_text_is_in_charset():
    charset = Charset()
    for i in range(30):
        image, text = sample(1, i)
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
        assert image.shape[0] >= 4 and image.shape[1] >= 4
        assert text.strip() and text in charset


def test_at_least_60_training_faces_and_holdout_faces_are_separate():
    train, holdout = load_faces("train"), load_faces("holdout")
    assert len(train) >= 60
    assert {f.package for f in train}.isdisjoint({f.package for f in holdout})
    packages = [p for p, _ in font_packages()]
    assert len(packages) == len(set(packages))


def test_every_face_covers_the_text_it_is_given():
    # The engine picks a face only if its cmap maps every character: no missing-glyph boxes.
    faces = load_faces("train")
    assert all(set("ABC019") <= f.covered for f in faces)
    partial = [f for f in faces if len(f.covered) < 95]
    for face in partial[:5]:
        missing = next(c for c in map(chr, range(33, 127)) if c not in face.covered)
        assert not face.covers("a" + missing)


def test_caps_only_faces_do_not_claim_lowercase():
    # Bebas Neue maps 'a' to a capital A: rendering "apple" with it would label capitals as lowercase.
    faces = {Path(f.path).name: f for f in load_faces("train")}
    assert not set(string.ascii_lowercase) & faces["BebasNeue-Regular.otf"].covered
    assert set(string.ascii_uppercase) <= faces["BebasNeue-Regular.otf"].covered
    assert set(string.ascii_letters) <= faces["DejaVuSans.ttf"].covered
    assert set(string.ascii_letters) <= faces["Lato-Hairline.ttf"].covered  # thin strokes are not mistaken for caps


def test_clean_recipe_has_strong_contrast():
    image, _ = sample(3, 0, CLEAN)
    gray = image.mean(axis=2)
    assert gray.max() - gray.min() > 100


def test_shard_round_trip(tmp_path):
    shard = render_shard(5, 0, 20)
    save_shard(shard, tmp_path / "s.npz")
    again = load_shard(tmp_path / "s.npz")
    assert again.texts == shard.texts
    assert np.array_equal(again.crop(3), shard.crop(3))
    assert all(again.crop(i).shape[0] == 32 for i in range(len(again)))


def test_dictionary_vocabulary_gives_dictionary_words():
    from ocrforge.data.synth.text import dictionary

    words = set(dictionary())
    recipe = SynthRecipe(line_fraction=0.0, vocabulary="dictionary")
    texts = [sample(9, i, recipe)[1] for i in range(20)]
    # Casing varies (lower, Title, UPPER); the word itself comes from the list.
    assert sum(t in words or t.lower() in words or t.capitalize() in words for t in texts) == 20
    with pytest.raises(ValueError, match="vocabulary"):
        SynthRecipe(vocabulary="klingon")


def test_arched_words_bend_and_other_recipes_keep_their_streams():
    from ocrforge.data.synth.recipe import ARCHED, SynthRecipe
    from ocrforge.data.synth.render import arch

    clean = dict(line_fraction=0.0, min_strength=0.0, max_strength=0.0, clean_fraction=1.0)
    assert np.array_equal(sample(12, 3, SynthRecipe(**clean))[0], sample(12, 3, SynthRecipe(**clean, arched_fraction=0.0))[0])
    assert all(sample(13, i, ARCHED)[0].dtype == np.uint8 for i in range(5))

    bar = np.zeros((20, 200, 2), np.float32)
    bar[8:12, 10:190] = 255  # a straight stroke along the middle line
    rng = np.random.default_rng(0)

    def centre_row(image: np.ndarray, columns: slice) -> float:
        return float(np.average(np.arange(image.shape[0]), weights=image[:, columns].sum(axis=1) + 1e-6))

    for smile in (False, True):
        bent = arch(bar, rng, smile=smile)[..., 0]
        width = bent.shape[1]
        middle, end = centre_row(bent, slice(width // 2 - 3, width // 2 + 3)), centre_row(bent, slice(0, width // 6))
        assert (middle < end - 3) if not smile else (middle > end + 3)  # an arch bulges up, a smile down


def test_written_samples_name_their_text_and_face(tmp_path):
    from ocrforge.data.synth.writer import write_samples
    from ocrforge.text.escape import unescape

    write_samples(tmp_path, 6, 3, "clean", fonts="holdout")
    labels = [line.split("\t") for line in (tmp_path / "labels.tsv").read_text(encoding="utf-8").splitlines()]
    faces = [line.split("\t") for line in (tmp_path / "faces.tsv").read_text(encoding="utf-8").splitlines()]
    holdout = {p for p, _ in font_packages("holdout")}
    assert [n for n, _ in labels] == [n for n, _, _ in faces] == [f"{i}.png" for i in range(6)]
    assert all(package in holdout and font.endswith((".ttf", ".otf")) for _, package, font in faces)
    assert [unescape(t) for _, t in labels] == [sample(3, i, replace(CLEAN, fonts="holdout"))[1] for i in range(6)]
    assert all((tmp_path / n).is_file() for n, _ in labels)
