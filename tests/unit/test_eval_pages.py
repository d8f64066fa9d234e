import numpy as np

from ocrforge.eval.pages import bag_of_words, normalise_whitespace, page_text_score, spotting_score


def box(x: float, y: float, w: float = 10, h: float = 5) -> np.ndarray:
    return np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])


def test_whitespace_runs_become_one_space():
    assert normalise_whitespace("  The quick\n\nbrown\t fox \n") == "The quick brown fox"


def test_layout_is_not_scored_but_order_and_characters_are():
    assert page_text_score("The quick\n\nbrown  fox", "The quick brown\nfox").char_edits == 0
    s = page_text_score("Tha quick fox", "The quick brown fox")
    assert (s.char_edits, s.chars) == (7, 19)  # 'e'->'a', then ' brown' deleted
    assert (s.word_edits, s.words) == (2, 4)  # one substituted word, one deleted
    assert abs(s.cer - 7 / 19) < 1e-9 and s.wer == 0.5
    swapped = page_text_score("fox brown", "brown fox")
    assert swapped.word_edits == 2  # reading order matters: two substitutions


def test_scores_add_up_over_pages():
    total = page_text_score("ab", "abcd")
    total.add(page_text_score("x y", "x y z w"))
    assert (total.char_edits, total.chars, total.word_edits, total.words) == (6, 11, 3, 5)
    assert page_text_score("", "").cer == 0.0 and page_text_score("junk", "").cer == 1.0


def test_bag_of_words_counts_repeats_as_a_multiset():
    s = bag_of_words("the cat the the hat".split(), "the the cat sat".split())
    assert (s.matched, s.predicted, s.ground_truth) == (3, 5, 4)  # the x2, cat
    assert abs(s.hmean - 6 / 9) < 1e-9 and s.precision == 0.6 and s.recall == 0.75
    assert bag_of_words([], []).hmean == 0.0


def test_spotting_needs_both_the_box_and_the_text():
    truth = [box(0, 0), box(50, 0), box(100, 0)]
    predicted = [box(1, 0), box(50, 1), box(200, 0)]  # two boxes overlap their truth, one is elsewhere
    s = spotting_score(predicted, ["CAT", "dog", "eel"], truth, ["cat", "dog", "eel"])
    assert (s.matched, s.predicted, s.ground_truth) == (1, 3, 3)  # case counts; 'eel' is in the wrong place
    folded = spotting_score(predicted, ["CAT", "dog", "eel"], truth, ["cat", "dog", "eel"],
                            same=lambda p, t: p.lower() == t.lower())
    assert folded.matched == 2
