"""Real crops mixed into recognizer training: the share asked for, caseless marks kept, and
augmentations that change the pixels without making the text unreadable."""

import cv2
import numpy as np

from ocrforge.data.synth.recipe import CLEAN, sample
from ocrforge.preprocess import INPUT_HEIGHT, prepare_crop, to_gray
from ocrforge.runtime.recognizers import load_recognizer
from ocrforge.train.batches import Sample
from ocrforge.train.real import KEEP_HEIGHT, RealMix, RealSource, augment_real, load_real


def _source(name: str, text: str, n: int, caseless: bool) -> RealSource:
    rng = np.random.default_rng(len(name))
    return RealSource(name, [rng.integers(0, 255, (40, 90), dtype=np.uint8) for _ in range(n)], [text] * n, caseless)


def test_every_chunk_takes_the_real_share_asked_for_with_caseless_marks_kept():
    big, small = _source("receipts", "TOTAL", 400, caseless=True), _source("scenes", "Shop", 100, caseless=False)
    synthetic = [Sample(np.zeros((INPUT_HEIGHT, 50), np.uint8), "synth") for _ in range(300)]
    mix = RealMix([big, small], share=0.4)
    chunks = list(mix.mixed(iter([synthetic] * 5), np.random.default_rng(0)))
    for chunk in chunks:
        assert len(chunk) == 300 and sum(s.text != "synth" for s in chunk) == 120
        assert all(s.crop.shape[0] == INPUT_HEIGHT for s in chunk)
        assert all(s.caseless == (s.text == "TOTAL") for s in chunk)
    drawn = [s.text for chunk in chunks for s in chunk if s.text != "synth"]
    # Sources are weighed by the square root of their size: 400 against 100 crops is 2:1.
    assert abs(drawn.count("TOTAL") / len(drawn) - 2 / 3) < 0.06


def test_loading_keeps_writable_texts_with_plain_spaces_and_upper_cases_caseless_ones(tmp_path):
    (tmp_path / "images").mkdir()
    rows = [("a.png", "Total"), ("b.png", "30€"), ("c.png", "cash\u00a0paid")]
    for name, _ in rows:
        cv2.imwrite(str(tmp_path / "images" / name), np.full((120, 200, 3), 200, np.uint8))
    (tmp_path / "labels.tsv").write_text("".join(f"images/{n}\t{t}\n" for n, t in rows))
    from ocrforge.text.charset import Charset

    source = load_real(f"folder:{tmp_path}", Charset(), caseless=True)
    assert source.texts == ["TOTAL", "CASH PAID"] and source.caseless  # € is outside the charset; a no-break space is one
    assert all(img.ndim == 2 and img.shape[0] == KEEP_HEIGHT for img in source.images)


def test_augmented_words_stay_readable(tmp_path):
    """The shipped recognizer reads clean words it never trained on; changed copies of them should stay
    nearly as readable (a person would read them all). Samples are written out to look at."""
    recognizer = load_recognizer("crnn")
    words = [sample(13, i, CLEAN) for i in range(60)]
    grays = [to_gray(img) for img, _ in words]
    texts = [text for _, text in words]
    rng = np.random.default_rng(0)
    changed = [augment_real(g, rng) for g in grays for _ in range(3)]
    for i, img in enumerate(changed[:24]):
        cv2.imwrite(str(tmp_path / f"augmented_{i:02d}.png"), img)

    def accuracy(images, truths):
        read = recognizer.recognize_prepared([prepare_crop(img) for img in images])
        return np.mean([r.text == t for r, t in zip(read, truths)])

    clean, augmented = accuracy(grays, texts), accuracy(changed, [t for t in texts for _ in range(3)])
    assert clean > 0.7
    assert augmented > 0.75 * clean, (clean, augmented)
    assert not all(np.array_equal(prepare_crop(a), prepare_crop(g)) for a, g in zip(changed[::3], grays))


def test_handwritten_lines_varied_as_hands_vary_stay_readable():
    """Slant, stretch, pen width and bends change a real handwritten line (tests/data/handwriting_val,
    hands the shipped model never trained on) without making it much harder for that model to read."""
    from pathlib import Path

    from ocrforge.data.readers import open_dataset
    from ocrforge.eval.metrics import score
    from ocrforge.train.real import vary_hand

    lines = Path(__file__).resolve().parents[1] / "data" / "handwriting_val" / "htr_testaments"
    samples = list(open_dataset(f"folder:{lines}"))
    recognizer = load_recognizer("handwriting")
    grays = [to_gray(s.image) for s in samples]
    rng = np.random.default_rng(0)
    varied = [vary_hand(g, rng) for g in grays]
    assert all(v.shape[0] == g.shape[0] for v, g in zip(varied, grays))
    assert sum(v.shape != g.shape or not np.array_equal(v, g) for v, g in zip(varied, grays)) == len(grays)

    def cer(images):
        read = recognizer.recognize_prepared([recognizer.prepare(img) for img in images])
        return score([r.text for r in read], [s.text for s in samples]).cer

    before, after = cer(grays), cer(varied)
    assert after < before + 0.08, (before, after)


def test_only_handwritten_sources_are_varied_as_hands():
    line = np.full((64, 300), 220, np.uint8)
    line[20:44, 30:270:20] = 30  # strokes
    plain = RealSource("print", [line], ["x"], False)
    hand = RealSource("hand", [line], ["x"], False, handwritten=True)
    plain_widths = {s.crop.shape[1] for s in RealMix([plain], 1.0).draw(40, np.random.default_rng(1))}
    hand_widths = {s.crop.shape[1] for s in RealMix([hand], 1.0).draw(40, np.random.default_rng(1))}
    # Only a hand's line is stretched: its prepared widths spread much wider.
    assert max(hand_widths) - min(hand_widths) > max(plain_widths) - min(plain_widths) + 10
