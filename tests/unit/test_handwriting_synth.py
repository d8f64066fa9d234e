import unicodedata

import numpy as np

from ocrforge.data.synth.handwriting import french_line, french_words, hand_faces, handwritten_line
from ocrforge.data.synth.shards import render_shard
from ocrforge.text.charset import LATIN


def test_lines_are_deterministic_french_and_in_the_handwriting_charset():
    image, text = handwritten_line(5000, 3)
    again, same = handwritten_line(5000, 3)
    assert text == same and np.array_equal(image, again)
    texts = [handwritten_line(5000, i)[1] for i in range(30)]
    assert all(t == unicodedata.normalize("NFC", t) and set(t) <= set(LATIN) for t in texts)
    assert any(set(t) & set("éèàêç’") for t in texts)  # French: accents and elisions occur
    assert all(12 <= len(t) <= 80 for t in texts)
    words, _ = french_words()  # every word the lines are made of can be written, not only those drawn here
    assert len(words) > 30_000 and all(set(w) <= set(LATIN) for w in words)


def test_ink_is_darker_than_the_paper_and_spans_the_line():
    for index in range(5):
        image, text = handwritten_line(5001, index)
        gray = image.mean(axis=2)
        assert image.dtype == np.uint8 and image.shape[2] == 3
        dark = gray < np.percentile(gray, 90) - 40
        columns = np.nonzero(dark.any(axis=0))[0]
        # Ink runs across most of the crop: a line is written, not a blot or a blank.
        assert columns.size and columns.max() - columns.min() > 0.6 * image.shape[1], text


def test_faces_are_hands_and_holdout_faces_are_others():
    train, holdout = hand_faces("train"), hand_faces("holdout")
    assert len(train) >= 10 and holdout
    assert not {f.path for f in train} & {f.path for f in holdout}


def test_handwriting_shards_hold_recognizer_ready_lines():
    shard = render_shard(5002, 0, 6, kind="handwriting")
    assert len(shard) == 6 and all(shard.crop(i).shape[0] == 32 for i in range(6))
    assert shard.texts[0] == handwritten_line(5002, 0)[1]


def test_french_lines_end_near_the_asked_length():
    rng = np.random.default_rng(0)
    lengths = [len(french_line(rng)) for _ in range(200)]
    assert 20 <= np.median(lengths) <= 45
