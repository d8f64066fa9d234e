import numpy as np

from ocrforge.text.charset import Charset
from ocrforge.text.ctc import beam_decode, greedy_decode

CHARSET = Charset("ab")  # classes: 0 blank, 1 'a', 2 'b'


def frames(*rows):
    return np.array(rows, dtype=np.float64)


def test_greedy_collapses_repeats_and_drops_blanks():
    # a a - a b b -  ->  "aab"
    probs = frames(
        [0.1, 0.8, 0.1], [0.1, 0.7, 0.2], [0.9, 0.05, 0.05], [0.2, 0.6, 0.2],
        [0.1, 0.1, 0.8], [0.1, 0.2, 0.7], [0.8, 0.1, 0.1],
    )
    decoded = greedy_decode(probs, CHARSET)
    assert decoded.text == "aab"
    # Repeated frames of one character keep their best frame's probability.
    assert decoded.char_confidences == (0.8, 0.6, 0.8)
    assert abs(decoded.confidence - np.mean([0.8, 0.6, 0.8])) < 1e-9


def test_empty_output_has_full_confidence():
    decoded = greedy_decode(frames([0.9, 0.05, 0.05], [0.95, 0.03, 0.02]), CHARSET)
    assert decoded.text == "" and decoded.confidence == 1.0


def test_beam_finds_the_sequence_with_more_total_probability():
    # Best path is "-" "-" (empty), but "a" summed over its many alignments is more likely:
    # P(empty) = 0.4*0.4 = 0.16; P("a") = 0.3*0.4 + 0.4*0.3 + 0.3*0.3 + ... > 0.16.
    probs = frames([0.4, 0.3, 0.3], [0.4, 0.3, 0.3])
    assert greedy_decode(probs, CHARSET).text == ""
    p_a = 0.3 * 0.4 + 0.4 * 0.3 + 0.3 * 0.3
    assert p_a > 0.16
    assert beam_decode(probs, CHARSET, beam_width=4).text == "a"


def test_beam_agrees_with_greedy_on_peaked_frames():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=40)
    probs = np.full((40, 3), 0.01)
    probs[np.arange(40), labels] = 0.98
    assert beam_decode(probs, CHARSET).text == greedy_decode(probs, CHARSET).text
