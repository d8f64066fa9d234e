import numpy as np
import pytest

from ocrforge.text.charset import Charset
from ocrforge.text.ctc import beam_decode, greedy_decode
from ocrforge.text.lexicon import UNKNOWN_WORD_PENALTY, Lexicon, built_in, load_lexicon

CHARSET = Charset("abehtxyz7 ")  # index 0 is the blank


def spelled(*frames: dict[str, float]) -> np.ndarray:
    """Per-frame probabilities: each frame a {character: probability} dict, the rest on the blank."""
    probs = np.full((len(frames), len(CHARSET.chars) + 1), 1e-6)
    for t, frame in enumerate(frames):
        for char, p in frame.items():
            probs[t, CHARSET.chars.index(char) + 1] = p
        probs[t, 0] = max(1.0 - sum(frame.values()), 1e-6)
    return probs / probs.sum(axis=1, keepdims=True)


def test_a_word_list_file_takes_words_and_optional_counts(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("The 100\nbath\n\nZEBRA 2\n", encoding="utf-8")
    words = Lexicon.from_file(path)
    assert len(words) == 3 and "the" in words and "zebra" in words and "bat" not in words
    # The commoner word earns more; a word of the rarest count earns nothing; an unknown one pays.
    assert words.text_score("the", finished=True) > words.text_score("zebra", finished=True) > 0
    assert words.text_score("bath", finished=True) == 0
    assert words.text_score("bat", finished=True) == -UNKNOWN_WORD_PENALTY


def test_lists_joined_by_a_plus_know_every_word_each_as_common_as_its_commonest_list(tmp_path):
    names = tmp_path / "names.txt"  # a collection's own words, counted in its transcriptions
    names.write_text("zaye 30\nthe 1\nyeh 10\n", encoding="utf-8")
    common = tmp_path / "common.txt"
    common.write_text("the 500\nbath 300\nzebra 200\n", encoding="utf-8")
    joined = load_lexicon(f"{common}+{names}")
    assert len(joined) == 5 and all(w in joined for w in ("zaye", "yeh", "the", "bath", "zebra"))
    # Counts become shares of their own list: "the" is half of the common list's words, rarer in the names.
    assert joined.frequencies["the"] == pytest.approx(0.5) and joined.frequencies["zaye"] == pytest.approx(30 / 41)
    assert load_lexicon(common).text_score("zaye", finished=True) == -UNKNOWN_WORD_PENALTY
    assert joined.text_score("zaye", finished=True) > 0
    # A file whose own name holds a "+" is still one list.
    plus = tmp_path / "a+b.txt"
    plus.write_text("word\n", encoding="utf-8")
    assert len(load_lexicon(plus)) == 1
    with pytest.raises(ValueError, match="nowhere.txt: no such word list"):
        load_lexicon(f"{common}+nowhere.txt")


@pytest.mark.parametrize("text, problem", [("", "no words"), ("the many\n", "expected WORD or WORD COUNT")])
def test_a_bad_word_list_is_refused_with_its_name(tmp_path, text, problem):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_lexicon(path)


def test_a_missing_word_list_is_named():
    with pytest.raises(ValueError, match="nowhere.txt: no such word list"):
        load_lexicon("nowhere.txt")


def test_only_letter_tokens_are_judged():
    words = Lexicon({"the": 10, "then": 5, "four": 3, "year": 3, "old": 3})
    assert words.text_score("(the),", finished=True) > 0  # edge punctuation aside
    assert words.text_score("then-four-year-old", finished=True) > 0  # each hyphenated part a word
    assert words.text_score("then-fuor", finished=True) < 0
    for code in ("X7Q2", "$3.68", "12:45", "a@b.com"):
        assert words.text_score(code, finished=True) == 0  # codes, prices, times: the recognizer's call
    # While a token is still being read, only its start has to lead to a word.
    assert words.text_score("th", finished=False) == 0 and words.text_score("tx", finished=False) < 0
    assert words.text_score("the yea", finished=False) > 0 and words.text_score("the yea", finished=True) < 0


def test_words_run_together_save_no_penalty():
    # Unknown names cost once per run, so dropping the space between them gains nothing...
    words = Lexicon({"to": 10, "the": 10})
    assert words.text_score("zvi galil", finished=True) == words.text_score("zvigalil", finished=True) == -UNKNOWN_WORD_PENALTY
    # ... while two known words beat the same letters run together.
    assert words.text_score("to the", finished=True) > words.text_score("tothe", finished=True)
    assert words.text_score("zvi 12 galil", finished=True) == -2 * UNKNOWN_WORD_PENALTY  # a number ends the run


def test_the_word_prior_turns_an_unsure_reading_into_the_word():
    # Greedy reads "tbe": the second letter is b by a hair over h.
    probs = spelled({"t": 0.9}, {}, {"b": 0.48, "h": 0.45}, {}, {"e": 0.9})
    assert greedy_decode(probs, CHARSET).text == "tbe"
    assert beam_decode(probs, CHARSET).text == "tbe"
    assert beam_decode(probs, CHARSET, lexicon=Lexicon({"the": 1.0})).text == "the"


def test_a_clear_reading_is_kept_word_or_not():
    words = Lexicon({"the": 1.0, "bath": 1.0})
    name = spelled({"z": 0.95}, {}, {"a": 0.95}, {}, {"y": 0.9, "h": 0.05}, {}, {"e": 0.95})  # a name read clearly
    code = spelled({"x": 0.6, "b": 0.3}, {}, {"7": 0.95}, {}, {"a": 0.9})  # a code: digits inside, never judged
    assert beam_decode(name, CHARSET, lexicon=words).text == "zaye"
    assert beam_decode(code, CHARSET, lexicon=words).text == "x7a"


def test_the_built_in_english_list_holds_common_words():
    words = built_in("english")
    assert len(words) >= 40_000
    assert all(w in words for w in ("the", "house", "Street", "because"))
    assert "qzxv" not in words


def test_the_built_in_french_list_knows_accented_words_and_judges_elisions_apart():
    words = built_in("french")
    assert len(words) >= 40_000
    assert all(w in words for w in ("je", "lègue", "à", "sœur", "Décembre"))
    known = words.text_score("J’institue ma sœur, l'héritière", finished=True)
    assert known > 0  # every part a known word, the elided j' and l' included
    assert words.text_score("J’instjtue ma sœur, l'héritière", finished=True) < known - UNKNOWN_WORD_PENALTY / 2
